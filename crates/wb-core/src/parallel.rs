//! Work cut into numbered pieces, made on several threads and used in order.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// Makes pieces `0..n` with `make` on the calling thread and `threads - 1` scoped workers, and
/// hands each to `consume` on the calling thread, in order, as soon as it and all before it are
/// made; while the next piece in order is not ready, the calling thread makes one itself. (The
/// encoders use `consume` to hash what they wrote, so hashing overlaps writing.)
///
/// `consume` returns `false` to stop: no piece is started after that, and the function returns
/// `false`. It returns `true` when all `n` pieces were consumed.
pub fn in_order<T: Send>(
    n: usize,
    threads: usize,
    make: impl Fn(usize) -> T + Sync,
    mut consume: impl FnMut(T) -> bool,
) -> bool {
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let take = || {
        let c = next.fetch_add(1, Ordering::Relaxed);
        (c < n && !stop.load(Ordering::Relaxed)).then_some(c)
    };
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, T)>();
        for _ in 1..threads.min(n) {
            let tx = tx.clone();
            let (take, make) = (&take, &make);
            scope.spawn(move || {
                while let Some(c) = take() {
                    if tx.send((c, make(c))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending: Vec<Option<T>> = std::iter::repeat_with(|| None).take(n).collect();
        let (mut done, mut all) = (0, true);
        while done < n {
            for (c, v) in rx.try_iter() {
                pending[c] = Some(v);
            }
            if let Some(v) = pending[done].take() {
                done += 1;
                if !consume(v) {
                    all = false;
                    break;
                }
                continue;
            }
            if let Some(c) = take() {
                pending[c] = Some(make(c));
                continue;
            }
            match rx.recv() {
                Ok((c, v)) => pending[c] = Some(v),
                // Not reachable: every piece was taken, and a worker sends each it takes.
                Err(_) => {
                    all = false;
                    break;
                }
            }
        }
        stop.store(true, Ordering::Relaxed);
        all
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumes_every_piece_in_order() {
        for threads in [1, 2, 4] {
            let mut seen = Vec::new();
            assert!(in_order(
                37,
                threads,
                |c| c * 10,
                |v| {
                    seen.push(v);
                    true
                }
            ));
            assert_eq!(seen, (0..37).map(|c| c * 10).collect::<Vec<_>>());
        }
        assert!(in_order(0, 2, |c| c, |_| false));
    }

    #[test]
    fn stops_when_told() {
        for threads in [1, 2, 4] {
            let made = AtomicUsize::new(0);
            let mut seen = Vec::new();
            let all = in_order(
                1000,
                threads,
                |c| {
                    made.fetch_add(1, Ordering::Relaxed);
                    c
                },
                |v| {
                    seen.push(v);
                    v < 5
                },
            );
            assert!(!all);
            assert_eq!(seen, vec![0, 1, 2, 3, 4, 5]);
            // Alone, the calling thread makes exactly what it consumes. (With workers, how far
            // they get before the stop depends on scheduling, so no count is asserted.)
            if threads == 1 {
                assert_eq!(made.load(Ordering::Relaxed), 6);
            }
        }
    }
}
