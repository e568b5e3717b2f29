//! Serves a fake backend until stdin closes, logging each request to stderr; for trying a
//! client by hand: `cargo run -p wb-fake-backend --example serve`, then
//! `WANDB_BASE_URL=<printed url> WANDB_API_KEY=<40 characters> python script.py`.

use std::io::Read;
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = wb_fake_backend::Backend::start()?;
    eprintln!("{}", backend.base_url());
    // Log requests as they arrive, from a watcher thread.
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|s| {
        let backend = &backend;
        s.spawn(move || {
            let mut seen = 0;
            loop {
                let done = rx.recv_timeout(Duration::from_millis(100)).is_ok();
                let requests = backend.requests();
                for r in &requests[seen..] {
                    eprintln!(
                        "{} {} {} {} {}",
                        r.status(),
                        r.method(),
                        r.path(),
                        r.operation().unwrap_or(""),
                        String::from_utf8_lossy(&r.body()[..r.body().len().min(300)])
                    );
                }
                seen = requests.len();
                if done {
                    break;
                }
            }
        });
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        let _ = tx.send(());
    });
    eprintln!("unknown operations: {:?}", backend.unknown_operations());
    for run in backend.runs() {
        eprintln!(
            "run {}: {} history lines, summary {:?}, completion {:?}, files {:?}",
            run.name(),
            run.history_lines().len(),
            run.summary_line(),
            run.completion(),
            run.files().keys().collect::<Vec<_>>()
        );
    }
    Ok(())
}
