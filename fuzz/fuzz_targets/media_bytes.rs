#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wb_types_fuzz::targets::media_bytes(data);
});
