//! The connection to a running wandb-core: framing, the writer and reader threads, request
//! matching, and the [`Client`] / [`RunStream`] API on top.

use std::collections::HashMap;
use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::Child;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use prost::Message;
use wb_proto::{
    Control, Record, RecordInfo, RecordResult, ServerInformFinishRequest, ServerInformInitRequest,
    ServerInformTeardownRequest, ServerInitSyncRequest, ServerRequest, ServerRequestType,
    ServerResponse, ServerResponseType, ServerSyncRequest, ServerSyncResponse,
    ServerSyncStatusRequest, ServerSyncStatusResponse, Settings,
};

use crate::error::{Error, Result};
use crate::locate::CoreBinary;
use crate::process::{self, Socket};

/// The byte that starts every message on the socket.
const MAGIC: u8 = b'W';
/// The largest message we accept from core (a generous bound on a response's size).
const MAX_MESSAGE: usize = 1 << 30;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Encodes one framed message: `W`, the little-endian length, the protobuf.
pub(crate) fn frame(req: &ServerRequest) -> Vec<u8> {
    let len = req.encoded_len();
    let mut out = Vec::with_capacity(5 + len);
    out.push(MAGIC);
    out.extend_from_slice(&(len as u32).to_le_bytes());
    // Encoding into a Vec cannot run out of space.
    let _ = req.encode(&mut out);
    out
}

/// Reads one framed message; `Ok(None)` at a clean end of the connection.
pub(crate) fn read_frame(r: &mut impl Read) -> Result<Option<ServerResponse>, String> {
    let mut head = [0u8; 5];
    let mut got = 0;
    while got < head.len() {
        match r.read(&mut head[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err("the connection closed inside a message".into()),
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("reading from the socket failed: {e}")),
        }
    }
    if head[0] != MAGIC {
        return Err(format!(
            "a message started with byte {:#04x}, not 'W'",
            head[0]
        ));
    }
    let len = u32::from_le_bytes([head[1], head[2], head[3], head[4]]) as usize;
    if len > MAX_MESSAGE {
        return Err(format!(
            "a message of {len} bytes is larger than {MAX_MESSAGE}"
        ));
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body)
        .map_err(|e| format!("the connection closed inside a message: {e}"))?;
    ServerResponse::decode(body.as_slice())
        .map(Some)
        .map_err(|e| format!("a ServerResponse did not decode: {e}"))
}

/// What the threads and the handles share.
struct Shared {
    /// Waiters by request id.
    pending: Mutex<HashMap<String, SyncSender<ServerResponse>>>,
    /// Why the connection is unusable, once it is.
    dead: Mutex<Option<String>>,
    next_id: AtomicU64,
    id_prefix: String,
}

impl Shared {
    fn mark_dead(&self, reason: String) {
        let mut d = lock(&self.dead);
        if d.is_none() {
            *d = Some(reason);
        }
        drop(d);
        // Dropping the senders wakes every waiter with a disconnection.
        lock(&self.pending).clear();
    }

    fn dead_reason(&self) -> Option<String> {
        lock(&self.dead).clone()
    }
}

/// Options for starting wandb-core; [`Client::builder`].
#[derive(Clone, Debug)]
#[must_use]
pub struct ClientBuilder {
    binary: Option<CoreBinary>,
    start_timeout: Duration,
    request_timeout: Duration,
    tcp: bool,
}

impl ClientBuilder {
    /// The binary to start (default: [`CoreBinary::find`]).
    pub fn with_binary(mut self, binary: CoreBinary) -> Self {
        self.binary = Some(binary);
        self
    }

    /// How long core may take to start and say where it listens (default 30 s, as the SDK's
    /// `x_service_wait`).
    pub fn with_start_timeout(mut self, timeout: Duration) -> Self {
        self.start_timeout = timeout;
        self
    }

    /// How long the short requests (`inform_init`, `init_sync`, `sync_status`) may wait for an
    /// answer (default 60 s).
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Connect over TCP on 127.0.0.1 instead of a Unix socket (`--listen-on-localhost`; always
    /// so where there are no Unix sockets).
    pub fn with_tcp(mut self, tcp: bool) -> Self {
        self.tcp = tcp;
        self
    }

    /// Finds the binary if none was given, checks its version, starts it and connects.
    pub fn build(self) -> Result<Client> {
        let binary = match self.binary {
            Some(b) => b,
            None => CoreBinary::find()?,
        };
        let version = process::check_version(binary.path())?;
        let started = process::start(binary.path(), self.start_timeout, self.tcp)?;
        Client::connect(binary, version, started, self.request_timeout)
    }
}

/// A wandb-core process this program started, and the connection to it.
///
/// Cheap to clone (the clones share the connection). The process is shut down when the last
/// clone is dropped: with [`Client::teardown`] if it was called, else by a teardown message and,
/// after a short grace period, a kill.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    /// Framed messages for the writer thread; `None` once torn down.
    tx: Mutex<Option<Sender<Vec<u8>>>>,
    child: Mutex<Child>,
    socket: Socket,
    binary: CoreBinary,
    version: String,
    request_timeout: Duration,
    torn_down: AtomicBool,
    dir: tempfile::TempDir,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("binary", &self.inner.binary)
            .field("version", &self.inner.version)
            .field("pid", &self.pid())
            .finish_non_exhaustive()
    }
}

/// How long a dropped client's core gets to exit after the teardown message.
const DROP_GRACE: Duration = Duration::from_secs(5);

impl Client {
    /// Options: the binary, timeouts, the transport.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            binary: None,
            start_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            tcp: false,
        }
    }

    /// Finds wandb-core ([`CoreBinary::find`]), checks that it is 0.31.0, starts it and
    /// connects.
    pub fn start() -> Result<Client> {
        Client::builder().build()
    }

    fn connect(
        binary: CoreBinary,
        version: String,
        started: process::Started,
        request_timeout: Duration,
    ) -> Result<Client> {
        let process::Started {
            mut child,
            socket,
            dir,
        } = started;
        let clone = |s: &Socket| {
            s.try_clone().map_err(|source| Error::Connect {
                address: "wandb-core's socket".into(),
                source,
            })
        };
        let (reader_sock, writer_sock) = match (clone(&socket), clone(&socket)) {
            (Ok(r), Ok(w)) => (r, w),
            (Err(e), _) | (_, Err(e)) => {
                process::kill(&mut child);
                return Err(e);
            }
        };
        let shared = Arc::new(Shared {
            pending: Mutex::new(HashMap::new()),
            dead: Mutex::new(None),
            next_id: AtomicU64::new(1),
            id_prefix: format!("rs{}-{}-", std::process::id(), child.id()),
        });
        let (tx, rx) = mpsc::channel::<Vec<u8>>();
        let spawned = spawn_writer(writer_sock, rx, shared.clone())
            .and_then(|()| spawn_reader(reader_sock, shared.clone()));
        if let Err(source) = spawned {
            process::kill(&mut child);
            return Err(Error::Io {
                action: "starting a thread for the connection to",
                path: binary.path().to_path_buf(),
                source,
            });
        }
        Ok(Client {
            inner: Arc::new(Inner {
                shared,
                tx: Mutex::new(Some(tx)),
                child: Mutex::new(child),
                socket,
                binary,
                version,
                request_timeout,
                torn_down: AtomicBool::new(false),
                dir,
            }),
        })
    }

    /// The binary that runs.
    pub fn binary(&self) -> &CoreBinary {
        &self.inner.binary
    }

    /// The version core reported when it was checked (`0.31.0`).
    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// Core's process id.
    pub fn pid(&self) -> u32 {
        lock(&self.inner.child).id()
    }

    /// Whether the connection still works (core has not exited and nothing failed).
    pub fn is_alive(&self) -> bool {
        self.inner.shared.dead_reason().is_none()
    }

    /// The error for a dead connection, with core's exit status and its last words.
    fn died(&self) -> Error {
        let mut reason = self
            .inner
            .shared
            .dead_reason()
            .unwrap_or_else(|| "the connection closed".into());
        // Core closes the socket as it exits: give the exit a moment to be seen.
        let status =
            process::wait_timeout(&mut lock(&self.inner.child), Duration::from_millis(200));
        if let Some(status) = status {
            reason.push_str(&format!("; wandb-core exited ({status})"));
        }
        let tail = process::stderr_tail(self.inner.dir.path());
        let tail = tail.trim();
        if !tail.is_empty() {
            let start = tail.char_indices().rev().nth(1500).map_or(0, |(i, _)| i);
            reason.push_str(&format!(
                "; its standard error ends with:\n{}",
                &tail[start..]
            ));
        }
        Error::CoreDied { reason }
    }

    /// Queues a framed message for the writer thread; never waits on the network.
    fn send(&self, req: &ServerRequest) -> Result<()> {
        if self.inner.shared.dead_reason().is_some() {
            return Err(self.died());
        }
        let frame = frame(req);
        let sent = match lock(&self.inner.tx).as_ref() {
            Some(tx) => tx.send(frame).is_ok(),
            None => {
                return Err(Error::CoreDied {
                    reason: "the client was torn down".into(),
                });
            }
        };
        if sent { Ok(()) } else { Err(self.died()) }
    }

    /// Sends a request that expects an answer, under a fresh request id.
    fn deliver(&self, mut req: ServerRequest, what: &str) -> Result<Reply> {
        let id = format!(
            "{}{}",
            self.inner.shared.id_prefix,
            self.inner.shared.next_id.fetch_add(1, Ordering::Relaxed)
        );
        req.request_id = id.clone();
        if let Some(ServerRequestType::RecordPublish(r) | ServerRequestType::RecordCommunicate(r)) =
            req.server_request_type.as_mut()
        {
            r.control.get_or_insert_with(Control::default).mailbox_slot = id.clone();
        }
        let (tx, rx) = mpsc::sync_channel(1);
        lock(&self.inner.shared.pending).insert(id.clone(), tx);
        if let Err(e) = self.send(&req) {
            lock(&self.inner.shared.pending).remove(&id);
            return Err(e);
        }
        Ok(Reply {
            client: self.clone(),
            id,
            rx,
            what: what.to_string(),
        })
    }

    /// Opens a run stream: `inform_init` with the run's settings and `stream_id` (the run id),
    /// answered by core once the stream exists.
    pub fn inform_init(&self, settings: Settings, stream_id: &str) -> Result<RunStream> {
        let req = ServerRequest {
            request_id: String::new(),
            server_request_type: Some(ServerRequestType::InformInit(ServerInformInitRequest {
                settings: Some(settings),
                info: Some(info(stream_id)),
            })),
        };
        let reply = self.deliver(req, "inform_init")?;
        match reply.wait(self.inner.request_timeout)? {
            None | Some(ServerResponseType::InformInitResponse(_)) => Ok(RunStream {
                client: self.clone(),
                stream_id: stream_id.to_string(),
            }),
            other => Err(unexpected("inform_init", &other)),
        }
    }

    /// Prepares the upload of `.wandb` files (`settings` gives at least `base_url` and
    /// `api_key`); [`SyncMode::Live`] follows files still being written. Returns the upload's
    /// id.
    pub fn init_sync(
        &self,
        paths: &[PathBuf],
        mode: SyncMode,
        settings: Settings,
    ) -> Result<String> {
        let live = mode == SyncMode::Live;
        let cwd = std::env::current_dir()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.init_sync_with(ServerInitSyncRequest {
            path: paths
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect(),
            cwd,
            live,
            settings: Some(settings),
            ..Default::default()
        })
    }

    /// [`Client::init_sync`] with every field of the request (a new entity, project, run id,
    /// job type, tag replacements).
    pub fn init_sync_with(&self, request: ServerInitSyncRequest) -> Result<String> {
        let req = ServerRequest {
            request_id: String::new(),
            server_request_type: Some(ServerRequestType::InitSync(request)),
        };
        match self
            .deliver(req, "init_sync")?
            .wait(self.inner.request_timeout)?
        {
            Some(ServerResponseType::InitSyncResponse(r)) => Ok(r.id),
            other => Err(unexpected("init_sync", &other)),
        }
    }

    /// Runs a prepared upload with `parallelism` files at once; the returned handle is
    /// answered when the upload is over (its messages tell whether it failed).
    pub fn sync(&self, id: &str, parallelism: u32) -> Result<Pending<ServerSyncResponse>> {
        let req = ServerRequest {
            request_id: String::new(),
            server_request_type: Some(ServerRequestType::Sync(ServerSyncRequest {
                id: id.to_string(),
                parallelism,
            })),
        };
        Ok(Pending {
            reply: self.deliver(req, "sync")?,
            extract: |r| match r {
                Some(ServerResponseType::SyncResponse(s)) => Ok(s),
                other => Err(unexpected("sync", &other)),
            },
        })
    }

    /// The progress of a running upload.
    pub fn sync_status(&self, id: &str) -> Result<ServerSyncStatusResponse> {
        let req = ServerRequest {
            request_id: String::new(),
            server_request_type: Some(ServerRequestType::SyncStatus(ServerSyncStatusRequest {
                id: id.to_string(),
            })),
        };
        match self
            .deliver(req, "sync_status")?
            .wait(self.inner.request_timeout)?
        {
            Some(ServerResponseType::SyncStatusResponse(s)) => Ok(s),
            other => Err(unexpected("sync_status", &other)),
        }
    }

    /// Shuts core down: `inform_teardown` with the program's exit code, then waits for the
    /// process to exit, at most `timeout` (core first finishes the streams' uploads), and
    /// kills it after that. Later calls do nothing.
    pub fn teardown(&self, exit_code: i32, timeout: Duration) -> Result<()> {
        if self.inner.torn_down.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        self.inner.teardown(exit_code, timeout)
    }
}

impl Inner {
    fn teardown(&self, exit_code: i32, timeout: Duration) -> Result<()> {
        let req = ServerRequest {
            request_id: String::new(),
            server_request_type: Some(ServerRequestType::InformTeardown(
                ServerInformTeardownRequest {
                    exit_code,
                    info: None,
                },
            )),
        };
        if let Some(tx) = lock(&self.tx).take() {
            // Dropping the sender lets the writer thread flush and stop.
            let _ = tx.send(frame(&req));
        }
        let mut child = lock(&self.child);
        let exited = process::wait_timeout(&mut child, timeout);
        self.socket.shutdown();
        if exited.is_none() {
            process::kill(&mut child);
            return Err(Error::Timeout {
                what: "inform_teardown (wandb-core did not exit; it was killed)".into(),
                after: timeout,
            });
        }
        Ok(())
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if !self.torn_down.swap(true, Ordering::SeqCst) {
            let _ = self.teardown(0, DROP_GRACE);
        }
        self.socket.shutdown();
        process::kill(&mut lock(&self.child));
    }
}

fn info(stream_id: &str) -> RecordInfo {
    RecordInfo {
        stream_id: stream_id.to_string(),
        ..Default::default()
    }
}

fn unexpected(what: &str, got: &Option<ServerResponseType>) -> Error {
    Error::Refused {
        what: what.to_string(),
        message: match got {
            Some(got) => format!("it answered with {got:?}"),
            None => "it answered with an empty message".into(),
        },
    }
}

/// A run stream opened by [`Client::inform_init`]: the records of one run.
///
/// Cheap to clone; holds its client (core runs while any stream or client is alive).
#[derive(Clone, Debug)]
pub struct RunStream {
    client: Client,
    stream_id: String,
}

impl RunStream {
    /// The stream id (the run id).
    pub fn stream_id(&self) -> &str {
        &self.stream_id
    }

    /// The client the stream belongs to.
    pub fn client(&self) -> &Client {
        &self.client
    }

    fn prepare(&self, mut record: Record) -> Record {
        record
            .info
            .get_or_insert_with(RecordInfo::default)
            .stream_id
            .clone_from(&self.stream_id);
        record
    }

    /// Sends a record and returns at once (`record_publish` with no answer expected). The
    /// record is encoded on the calling thread and queued for the writer thread: this never
    /// waits on the network. An error means core is gone.
    pub fn publish(&self, record: Record) -> Result<()> {
        let req = ServerRequest {
            request_id: String::new(),
            server_request_type: Some(ServerRequestType::RecordPublish(self.prepare(record))),
        };
        self.client.send(&req)
    }

    /// Sends a record that expects an answer (its mailbox slot is set); the handle waits for
    /// it. Records are written in the order they are published or delivered.
    pub fn deliver(&self, record: Record) -> Result<Pending<RecordResult>> {
        let req = ServerRequest {
            request_id: String::new(),
            server_request_type: Some(ServerRequestType::RecordPublish(self.prepare(record))),
        };
        Ok(Pending {
            reply: self.client.deliver(req, "a record")?,
            extract: |r| match r {
                Some(ServerResponseType::ResultCommunicate(r)) => Ok(r),
                other => Err(unexpected("a record", &other)),
            },
        })
    }

    /// [`RunStream::deliver`] and a wait of at most `timeout` for the answer.
    pub fn communicate(&self, record: Record, timeout: Duration) -> Result<RecordResult> {
        self.deliver(record)?.wait(timeout)
    }

    /// Closes the stream (`inform_finish`); send it after the exit record was answered.
    pub fn finish(&self) -> Result<()> {
        let req = ServerRequest {
            request_id: String::new(),
            server_request_type: Some(ServerRequestType::InformFinish(ServerInformFinishRequest {
                info: Some(info(&self.stream_id)),
            })),
        };
        self.client.send(&req)
    }
}

/// An answer not yet received.
struct Reply {
    client: Client,
    id: String,
    rx: Receiver<ServerResponse>,
    what: String,
}

impl Reply {
    fn wait(&self, timeout: Duration) -> Result<Option<ServerResponseType>> {
        match self.rx.recv_timeout(timeout) {
            Ok(resp) => open(resp, &self.what),
            Err(RecvTimeoutError::Timeout) => Err(Error::Timeout {
                what: self.what.clone(),
                after: timeout,
            }),
            Err(RecvTimeoutError::Disconnected) => Err(self.client.died()),
        }
    }

    fn try_take(&self) -> Result<Option<Option<ServerResponseType>>> {
        match self.rx.try_recv() {
            Ok(resp) => open(resp, &self.what).map(Some),
            Err(mpsc::TryRecvError::Empty) => Ok(None),
            Err(mpsc::TryRecvError::Disconnected) => Err(self.client.died()),
        }
    }
}

fn open(resp: ServerResponse, what: &str) -> Result<Option<ServerResponseType>> {
    match resp.server_response_type {
        Some(ServerResponseType::ErrorResponse(e)) => Err(Error::Refused {
            what: what.to_string(),
            message: e.message,
        }),
        Some(r) => Ok(Some(r)),
        // Core acknowledges some requests (`inform_init`) with just the request id.
        None => Ok(None),
    }
}

impl Drop for Reply {
    fn drop(&mut self) {
        lock(&self.client.inner.shared.pending).remove(&self.id);
    }
}

/// An answer from core that has not arrived yet: a record's result, or an upload's end.
pub struct Pending<T> {
    reply: Reply,
    extract: fn(Option<ServerResponseType>) -> Result<T>,
}

impl<T> std::fmt::Debug for Pending<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("request", &self.reply.what)
            .field("id", &self.reply.id)
            .finish()
    }
}

impl<T> Pending<T> {
    /// Waits at most `timeout`. [`Error::Timeout`] leaves the answer pending (wait again);
    /// [`Error::CoreDied`] if core goes away first.
    pub fn wait(&self, timeout: Duration) -> Result<T> {
        self.reply.wait(timeout).and_then(self.extract)
    }

    /// The answer if it has arrived.
    pub fn try_take(&self) -> Result<Option<T>> {
        match self.reply.try_take()? {
            Some(r) => (self.extract)(r).map(Some),
            None => Ok(None),
        }
    }

    /// The request id (also the record's mailbox slot).
    pub fn request_id(&self) -> &str {
        &self.reply.id
    }
}

fn spawn_writer(sock: Socket, rx: Receiver<Vec<u8>>, shared: Arc<Shared>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("wb-core-writer".into())
        .spawn(move || {
            let mut w = BufWriter::with_capacity(1 << 16, sock);
            while let Ok(first) = rx.recv() {
                let mut result = w.write_all(&first);
                // Write what else is queued before flushing: one flush per burst.
                while result.is_ok()
                    && let Ok(next) = rx.try_recv()
                {
                    result = w.write_all(&next);
                }
                if let Err(e) = result.and_then(|()| w.flush()) {
                    shared.mark_dead(format!("writing to wandb-core failed: {e}"));
                    return;
                }
            }
            let _ = w.flush();
        })
        .map(drop)
}

fn spawn_reader(mut sock: Socket, shared: Arc<Shared>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("wb-core-reader".into())
        .spawn(move || {
            loop {
                match read_frame(&mut sock) {
                    Ok(Some(resp)) => {
                        let waiter = lock(&shared.pending).remove(&resp.request_id);
                        if let Some(tx) = waiter {
                            let _ = tx.send(resp);
                        }
                    }
                    Ok(None) => {
                        shared.mark_dead("wandb-core closed the connection".into());
                        return;
                    }
                    Err(e) => {
                        shared.mark_dead(e);
                        return;
                    }
                }
            }
        })
        .map(drop)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn frames_round_trip() {
        let req = ServerRequest {
            request_id: "x".into(),
            server_request_type: None,
        };
        let f = frame(&req);
        assert_eq!(f[0], b'W');
        assert_eq!(
            u32::from_le_bytes([f[1], f[2], f[3], f[4]]) as usize,
            f.len() - 5
        );
        // A response with the same bytes reads back (both messages are just the id here).
        let resp = read_frame(&mut f.as_slice()).unwrap().unwrap();
        assert_eq!(resp.request_id, "x");
        assert!(read_frame(&mut [].as_slice()).unwrap().is_none());
        assert!(read_frame(&mut &f[..3]).is_err());
        assert!(read_frame(&mut &f[..f.len() - 1]).is_err());
        let mut bad = f.clone();
        bad[0] = b'X';
        assert!(
            read_frame(&mut bad.as_slice())
                .unwrap_err()
                .contains("0x58")
        );
        let mut huge = f;
        huge[1..5].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(read_frame(&mut huge.as_slice()).is_err());
    }
}

/// Whether [`Client::init_sync`] uploads finished `.wandb` files or follows ones still being
/// written (the service's `live` flag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SyncMode {
    /// The files are complete: upload what they hold.
    #[default]
    Finished,
    /// The files are still being written: follow them as they grow.
    Live,
}
