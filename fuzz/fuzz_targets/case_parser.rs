#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wb_fuzz_targets::case_parser(data);
});
