//! Capturing the process's own stdout and stderr. On Unix, file descriptors 1 and 2 are
//! redirected into pipes; on Windows, the process's standard output and error handles
//! (`SetStdHandle`, which Rust's `std::io::stdout()` looks up at every write, and which child
//! processes inherit). One thread per stream reads its pipe, writes everything on to the
//! original stream, then to the run. Stopping puts the original streams back, which closes the
//! pipes, and waits for the threads to pass on what was left in them.

use super::{ConsoleOut, Stream};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set while a run of this process captures: a second run does not.
static CAPTURING: AtomicBool = AtomicBool::new(false);
/// Set once the process warned that it could not capture.
static WARNED: AtomicBool = AtomicBool::new(false);

/// Runs `redirect` as the process's one capture: refused while another run captures, and the
/// claim given back if `redirect` fails (nothing is changed then).
#[cfg(any(unix, windows))]
fn claimed<T>(redirect: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    if CAPTURING.swap(true, Ordering::SeqCst) {
        return Err("another run of this process is capturing it".into());
    }
    redirect().inspect_err(|_| CAPTURING.store(false, Ordering::SeqCst))
}

/// How long stopping waits for the pipes to close. A child process started while the run
/// captured holds them open until it exits; its output then still reaches the terminal, but
/// no longer the run.
#[cfg(any(unix, windows))]
const DRAIN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// `stdout` or `stderr`.
#[cfg(any(unix, windows))]
fn stream_name(stream: Stream) -> &'static str {
    match stream {
        Stream::Stdout => "stdout",
        Stream::Stderr => "stderr",
    }
}

/// Starts the thread that reads `stream`'s pipe (`pump`), named for the stream, which says
/// on `done` when the pipe closed and everything in it was passed on (see [`released`]).
#[cfg(any(unix, windows))]
fn spawn_reader(
    stream: Stream,
    done: std::sync::mpsc::Sender<()>,
    pump: impl FnOnce() + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name(format!("wb-run console {}", stream_name(stream)))
        .spawn(move || {
            pump();
            let _ = done.send(());
        })
}

/// Ends the process's capture once the pipes are back: waits up to [`DRAIN_TIMEOUT`] for
/// each reader thread to say (on `done`) that it passed on what was left, joins them if all
/// did, and gives back the claim taken by [`claimed`].
#[cfg(any(unix, windows))]
fn released(threads: Vec<std::thread::JoinHandle<()>>, done: &std::sync::mpsc::Receiver<()>) {
    let mut finished = 0;
    while finished < threads.len() {
        match done.recv_timeout(DRAIN_TIMEOUT) {
            Ok(()) => finished += 1,
            Err(_) => break,
        }
    }
    if finished == threads.len() {
        for t in threads {
            let _ = t.join();
        }
    }
    CAPTURING.store(false, Ordering::SeqCst);
}

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

#[cfg(windows)]
pub(super) use windows::Capture;

#[cfg(not(any(unix, windows)))]
pub(super) use other::Capture;

#[cfg(unix)]
mod unix {
    use super::{ConsoleOut, Stream, Utf8Chunks};
    use std::fs::File;
    use std::io::{Read, Write};
    use std::os::fd::{AsFd, OwnedFd};
    use std::sync::Arc;
    use std::sync::mpsc;
    use std::thread::JoinHandle;

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
            super::claimed(|| Capture::redirect_both(&out))
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
                let spawned =
                    super::spawn_reader(stream, tx, move || pump(stream, pipe, terminal, out));
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
            super::released(self.threads, &self.done);
        }
    }
}

#[cfg(windows)]
mod windows {
    use super::{ConsoleOut, Stream, Utf8Chunks, stream_name};
    use std::fs::File;
    use std::io::{PipeWriter, Read, Write};
    use std::os::windows::io::{AsHandle, AsRawHandle, RawHandle};
    use std::sync::Arc;
    use std::sync::mpsc;
    use std::thread::JoinHandle;
    use windows::Win32::Foundation::HANDLE;
    use windows::Win32::System::Console::{
        CONSOLE_MODE, GetConsoleMode, STD_ERROR_HANDLE, STD_HANDLE, STD_OUTPUT_HANDLE,
        SetStdHandle, WriteConsoleW,
    };

    /// Text written to a console at once, in bytes (`WriteConsoleW` fails on very long
    /// buffers on older Windows).
    const CONSOLE_CHUNK: usize = 8 * 1024;

    /// One redirected stream: the process's handle before (its value: it stays the
    /// process's, only handed back to `SetStdHandle`), a duplicate of it to write the terminal
    /// through, and the pipe's writing end installed in its place.
    #[derive(Debug)]
    struct Redirect {
        stream: Stream,
        original: usize,
        saved: Arc<File>,
        pipe: Option<PipeWriter>,
    }

    fn id(stream: Stream) -> STD_HANDLE {
        match stream {
            Stream::Stdout => STD_OUTPUT_HANDLE,
            Stream::Stderr => STD_ERROR_HANDLE,
        }
    }

    /// Makes `handle` the process's standard handle of `stream`.
    /// `unsafe`: `SetStdHandle` is a Win32 call; it only stores the handle value, which the
    /// caller keeps open for as long as it is installed.
    #[allow(unsafe_code)]
    fn set_std(stream: Stream, handle: RawHandle) -> std::io::Result<()> {
        // SAFETY: a plain store of a handle value in the process's table of standard handles;
        // every caller keeps `handle` open while it is installed.
        unsafe { SetStdHandle(id(stream), HANDLE(handle)) }.map_err(std::io::Error::from)
    }

    /// Whether `file` is a console (text for it goes through `WriteConsoleW`, as Rust's own
    /// stdout does, so that non-ASCII text shows whatever the console's code page).
    #[allow(unsafe_code)]
    fn is_console(file: &File) -> bool {
        let mut mode = CONSOLE_MODE(0);
        // SAFETY: `file` owns its handle for the call; `mode` is a writable CONSOLE_MODE.
        unsafe { GetConsoleMode(HANDLE(file.as_raw_handle()), &mut mode) }.is_ok()
    }

    /// Writes `text` to the console `file`.
    #[allow(unsafe_code)]
    fn write_console(file: &File, mut text: &str) {
        while !text.is_empty() {
            let mut end = text.len().min(CONSOLE_CHUNK);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let wide: Vec<u16> = text[..end].encode_utf16().collect();
            let mut written = 0u32;
            // SAFETY: `file` owns its console handle for the call; `wide` is the buffer read
            // and `written` the count written, both alive for the call.
            let ok = unsafe {
                WriteConsoleW(
                    HANDLE(file.as_raw_handle()),
                    &wide,
                    Some(&mut written),
                    None,
                )
            };
            if ok.is_err() {
                return;
            }
            text = &text[end..];
        }
    }

    /// An active capture of the standard output and error handles.
    #[derive(Debug)]
    pub(crate) struct Capture {
        out: Arc<ConsoleOut>,
        redirects: Vec<Redirect>,
        threads: Vec<JoinHandle<()>>,
        done: mpsc::Receiver<()>,
    }

    /// Reads one pipe until it closes: on to the terminal first, then to the run.
    fn pump(
        stream: Stream,
        mut pipe: std::io::PipeReader,
        terminal: Arc<File>,
        out: Arc<ConsoleOut>,
    ) {
        let console = is_console(&terminal);
        let mut buf = vec![0u8; 64 * 1024];
        let mut text = Utf8Chunks::default();
        loop {
            match pipe.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    let chunk = text.push(&buf[..n]);
                    if console {
                        write_console(&terminal, &chunk);
                    } else {
                        let _ = (&*terminal).write_all(&buf[..n]);
                    }
                    out.write(stream, &chunk);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let rest = text.finish();
        if console {
            write_console(&terminal, &rest);
        }
        out.write(stream, &rest);
    }

    /// Runs `f` while no Rust code of this process writes to `stream`: std's lock of it is
    /// held (std looks the handle up and writes under it), so its handle is never swapped or
    /// closed under a write. One lock at a time, so no lock order to deadlock on.
    fn quiet<T>(stream: Stream, f: impl FnOnce() -> T) -> T {
        match stream {
            Stream::Stdout => {
                let mut lock = std::io::stdout().lock();
                let _ = lock.flush();
                f()
            }
            Stream::Stderr => {
                let _lock = std::io::stderr().lock();
                f()
            }
        }
    }

    impl Capture {
        /// Redirects the standard handles, or says why it cannot (nothing is changed then).
        pub(crate) fn start(out: Arc<ConsoleOut>) -> Result<Capture, String> {
            super::claimed(|| Capture::redirect_both(&out))
        }

        fn redirect_both(out: &Arc<ConsoleOut>) -> Result<Capture, String> {
            let mut redirects = Vec::new();
            let mut readers = Vec::new();
            for stream in [Stream::Stdout, Stream::Stderr] {
                let name = stream_name(stream);
                let handle = match stream {
                    Stream::Stdout => std::io::stdout().as_handle().try_clone_to_owned(),
                    Stream::Stderr => std::io::stderr().as_handle().try_clone_to_owned(),
                }
                .map_err(|e| format!("the process has no {name} to capture: {e}"))?;
                let original = match stream {
                    Stream::Stdout => std::io::stdout().as_raw_handle(),
                    Stream::Stderr => std::io::stderr().as_raw_handle(),
                } as usize;
                let (r, w) = std::io::pipe().map_err(|e| format!("cannot create a pipe: {e}"))?;
                readers.push(r);
                redirects.push(Redirect {
                    stream,
                    original,
                    saved: Arc::new(File::from(handle)),
                    pipe: Some(w),
                });
            }
            for i in 0..redirects.len() {
                let (stream, pipe) = (
                    redirects[i].stream,
                    redirects[i].pipe.as_ref().map(AsRawHandle::as_raw_handle),
                );
                let installed = quiet(stream, || pipe.map_or(Ok(()), |p| set_std(stream, p)));
                if let Err(e) = installed {
                    restore(&mut redirects[..i]);
                    return Err(format!("cannot redirect {}: {e}", stream_name(stream)));
                }
            }
            let (tx, done) = mpsc::channel();
            let mut threads = Vec::new();
            for (r, pipe) in redirects.iter().zip(readers) {
                let (stream, terminal) = (r.stream, Arc::clone(&r.saved));
                let (out, tx) = (Arc::clone(out), tx.clone());
                let spawned =
                    super::spawn_reader(stream, tx, move || pump(stream, pipe, terminal, out));
                match spawned {
                    Ok(t) => threads.push(t),
                    Err(e) => {
                        // Put the terminal back; a thread already started sees its pipe close.
                        restore(&mut redirects);
                        return Err(format!("cannot start the capture thread: {e}"));
                    }
                }
            }
            out.set_echo(Some((
                Arc::clone(&redirects[0].saved),
                Arc::clone(&redirects[1].saved),
            )));
            Ok(Capture {
                out: Arc::clone(out),
                redirects,
                threads,
                done,
            })
        }

        /// Puts the standard handles back and waits until what was written before reached
        /// the run.
        pub(crate) fn stop(mut self) {
            restore(&mut self.redirects);
            self.out.set_echo(None);
            super::released(self.threads, &self.done);
        }
    }

    /// Reinstalls the original handles and closes the pipes' writing ends, with std's
    /// writers held off.
    fn restore(redirects: &mut [Redirect]) {
        for r in redirects.iter_mut() {
            quiet(r.stream, || {
                let _ = set_std(r.stream, r.original as RawHandle);
                r.pipe = None;
            });
        }
    }
}

#[cfg(not(any(unix, windows)))]
mod other {
    use super::ConsoleOut;
    use std::sync::Arc;

    /// No capture outside Unix and Windows.
    #[derive(Debug)]
    pub(crate) struct Capture;

    impl Capture {
        pub(crate) fn start(_out: Arc<ConsoleOut>) -> Result<Capture, String> {
            Err("capturing stdout and stderr needs Unix or Windows".into())
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
