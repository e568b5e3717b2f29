//! Capturing the process's own stdout and stderr (Unix): file descriptors 1 and 2 are
//! redirected into pipes; one thread per stream reads its pipe, writes everything on to the
//! original descriptor, then to the run. Stopping puts the original descriptors back, which
//! closes the pipes, and waits for the threads to pass on what was left in them.

use super::{ConsoleOut, Stream};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set while a run of this process captures: a second run does not.
static CAPTURING: AtomicBool = AtomicBool::new(false);
/// Set once the process warned that it could not capture.
static WARNED: AtomicBool = AtomicBool::new(false);

/// Says once per process why console output is not captured.
pub(super) fn warn_once(why: &str) {
    if !WARNED.swap(true, Ordering::SeqCst) {
        eprintln!("wandb: WARNING console output is not captured: {why}");
    }
}

/// Text decoded from a byte stream that may split UTF-8 characters between reads; bytes
/// that are not UTF-8 become U+FFFD.
#[derive(Debug, Default)]
struct Utf8Chunks {
    pending: Vec<u8>,
}

impl Utf8Chunks {
    fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let keep = match std::str::from_utf8(&self.pending) {
            Ok(_) => 0,
            // An incomplete character at the end waits for the next read.
            Err(e) if e.error_len().is_none() => self.pending.len() - e.valid_up_to(),
            Err(_) => incomplete_tail(&self.pending),
        };
        let rest = self.pending.split_off(self.pending.len() - keep);
        let text = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending = rest;
        text
    }

    fn finish(&mut self) -> String {
        let text = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        text
    }
}

/// The length of an incomplete UTF-8 character at the end of `bytes` (0 when none).
fn incomplete_tail(bytes: &[u8]) -> usize {
    for back in 1..=3.min(bytes.len()) {
        let b = bytes[bytes.len() - back];
        if b & 0xC0 != 0x80 {
            let need = match b {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 0,
            };
            return if need > back { back } else { 0 };
        }
    }
    0
}

#[cfg(unix)]
pub(super) use unix::Capture;

#[cfg(not(unix))]
pub(super) use other::Capture;

#[cfg(unix)]
mod unix {
    use super::{CAPTURING, ConsoleOut, Ordering, Stream, Utf8Chunks};
    use std::fs::File;
    use std::io::{Read, Write};
    use std::os::fd::{AsFd, OwnedFd};
    use std::sync::Arc;
    use std::sync::mpsc;
    use std::thread::JoinHandle;
    use std::time::Duration;

    /// How long stopping waits for the pipes to close. A child process started while the
    /// run captured holds them open until it exits; its output then still reaches the
    /// terminal, but no longer the run.
    const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

    /// An active capture of fds 1 and 2.
    #[derive(Debug)]
    pub(crate) struct Capture {
        out: Arc<ConsoleOut>,
        saved_out: Arc<File>,
        saved_err: Arc<File>,
        threads: Vec<JoinHandle<()>>,
        done: mpsc::Receiver<()>,
    }

    fn dup_std(stream: Stream) -> std::io::Result<File> {
        let fd = match stream {
            Stream::Stdout => std::io::stdout().as_fd().try_clone_to_owned()?,
            Stream::Stderr => std::io::stderr().as_fd().try_clone_to_owned()?,
        };
        Ok(File::from(fd))
    }

    fn redirect(stream: Stream, to: impl AsFd) -> std::io::Result<()> {
        match stream {
            Stream::Stdout => rustix::stdio::dup2_stdout(to)?,
            Stream::Stderr => rustix::stdio::dup2_stderr(to)?,
        }
        Ok(())
    }

    /// Reads one pipe until it closes: on to the terminal first, then to the run.
    fn pump(
        stream: Stream,
        mut pipe: std::io::PipeReader,
        terminal: Arc<File>,
        out: Arc<ConsoleOut>,
    ) {
        let mut buf = vec![0u8; 64 * 1024];
        let mut text = Utf8Chunks::default();
        loop {
            match pipe.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    let _ = (&*terminal).write_all(&buf[..n]);
                    out.write(stream, &text.push(&buf[..n]));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        out.write(stream, &text.finish());
    }

    impl Capture {
        /// Redirects fds 1 and 2, or says why it cannot (nothing is changed then).
        pub(crate) fn start(out: Arc<ConsoleOut>) -> Result<Capture, String> {
            if CAPTURING.swap(true, Ordering::SeqCst) {
                return Err("another run of this process is capturing it".into());
            }
            match Capture::redirect_both(&out) {
                Ok(c) => Ok(c),
                Err(e) => {
                    CAPTURING.store(false, Ordering::SeqCst);
                    Err(e)
                }
            }
        }

        fn redirect_both(out: &Arc<ConsoleOut>) -> Result<Capture, String> {
            let saved_out = Arc::new(
                dup_std(Stream::Stdout).map_err(|e| format!("cannot duplicate stdout: {e}"))?,
            );
            let saved_err = Arc::new(
                dup_std(Stream::Stderr).map_err(|e| format!("cannot duplicate stderr: {e}"))?,
            );
            let (out_r, out_w) =
                std::io::pipe().map_err(|e| format!("cannot create a pipe: {e}"))?;
            let (err_r, err_w) =
                std::io::pipe().map_err(|e| format!("cannot create a pipe: {e}"))?;
            let _ = std::io::stdout().flush();
            redirect(Stream::Stdout, OwnedFd::from(out_w))
                .map_err(|e| format!("cannot redirect stdout: {e}"))?;
            if let Err(e) = redirect(Stream::Stderr, OwnedFd::from(err_w)) {
                let _ = redirect(Stream::Stdout, &*saved_out);
                return Err(format!("cannot redirect stderr: {e}"));
            }
            let (tx, done) = mpsc::channel();
            let mut threads = Vec::new();
            for (stream, pipe, terminal) in [
                (Stream::Stdout, out_r, Arc::clone(&saved_out)),
                (Stream::Stderr, err_r, Arc::clone(&saved_err)),
            ] {
                let (out, tx) = (Arc::clone(out), tx.clone());
                let spawned = std::thread::Builder::new()
                    .name(format!(
                        "wb-run console {}",
                        match stream {
                            Stream::Stdout => "stdout",
                            Stream::Stderr => "stderr",
                        }
                    ))
                    .spawn(move || {
                        pump(stream, pipe, terminal, out);
                        let _ = tx.send(());
                    });
                match spawned {
                    Ok(t) => threads.push(t),
                    Err(e) => {
                        // Put the terminal back; a thread already started sees its pipe close.
                        let _ = std::io::stdout().flush();
                        let _ = redirect(Stream::Stdout, &*saved_out);
                        let _ = redirect(Stream::Stderr, &*saved_err);
                        return Err(format!("cannot start the capture thread: {e}"));
                    }
                }
            }
            out.set_echo(Some((Arc::clone(&saved_out), Arc::clone(&saved_err))));
            Ok(Capture {
                out: Arc::clone(out),
                saved_out,
                saved_err,
                threads,
                done,
            })
        }

        /// Puts fds 1 and 2 back and waits until what was written before reached the run.
        pub(crate) fn stop(self) {
            let _ = std::io::stdout().flush();
            let _ = redirect(Stream::Stdout, &*self.saved_out);
            let _ = redirect(Stream::Stderr, &*self.saved_err);
            self.out.set_echo(None);
            let mut finished = 0;
            while finished < self.threads.len() {
                match self.done.recv_timeout(DRAIN_TIMEOUT) {
                    Ok(()) => finished += 1,
                    Err(_) => break,
                }
            }
            if finished == self.threads.len() {
                for t in self.threads {
                    let _ = t.join();
                }
            }
            CAPTURING.store(false, Ordering::SeqCst);
        }
    }
}

#[cfg(not(unix))]
mod other {
    use super::ConsoleOut;
    use std::sync::Arc;

    /// No capture outside Unix.
    #[derive(Debug)]
    pub(crate) struct Capture;

    impl Capture {
        pub(crate) fn start(_out: Arc<ConsoleOut>) -> Result<Capture, String> {
            Err("capturing stdout and stderr needs Unix file descriptors".into())
        }

        pub(crate) fn stop(self) {}
    }
}

#[cfg(test)]
mod tests {
    use super::Utf8Chunks;

    #[test]
    fn characters_split_between_reads_are_kept_whole() {
        let snow = "☃".as_bytes();
        let mut t = Utf8Chunks::default();
        assert_eq!(t.push(b"a"), "a");
        assert_eq!(t.push(&snow[..1]), "");
        assert_eq!(t.push(&snow[1..]), "☃");
        assert_eq!(t.push(b"\xff b"), "\u{fffd} b");
        assert_eq!(t.push(&[b'x', 0xff, snow[0], snow[1]]), "x\u{fffd}");
        assert_eq!(t.finish(), "\u{fffd}");
    }
}
