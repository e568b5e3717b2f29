#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wb_fuzz_targets::registry_from_json(data);
});
