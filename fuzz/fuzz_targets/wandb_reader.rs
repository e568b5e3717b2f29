#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wb_types_fuzz::targets::wandb_reader(data);
});
