#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wb_fuzz_targets::wandb_reader(data);
});
