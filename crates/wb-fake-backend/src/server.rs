//! The listening side: an accept thread, one thread per connection, and the shared state.

use std::collections::BTreeMap;
use std::io::{BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::Error;
use crate::fault::{Fault, Injected, error_response, take_fault};
use crate::http::{Response, read_request};
use crate::record::{ArtifactRecord, RecordedRequest, RunRecord, basic_auth_key};
use crate::service::{Settings, State, graphql_parts};

/// How long a connection may sit idle between requests before the backend closes it.
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// Locks a mutex, carrying on with the data if a thread panicked while holding it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What every thread of one backend shares.
struct Shared {
    settings: Settings,
    base_url: String,
    state: Mutex<State>,
    requests: Mutex<Vec<RecordedRequest>>,
    faults: Mutex<Vec<Fault>>,
    api_key: Mutex<Option<String>>,
    /// Whether the request log keeps bodies.
    keep_bodies: bool,
    /// Open connections, so that stopping can close them.
    connections: Mutex<BTreeMap<u64, TcpStream>>,
    next_connection: AtomicU64,
    /// Set while the accept loop must exit.
    stopping: AtomicBool,
}

/// Starts a [`Backend`] with settings other than the defaults.
#[derive(Debug, Clone)]
pub struct BackendBuilder {
    entity: String,
    features: Vec<(String, bool)>,
    api_key: Option<String>,
    keep_bodies: bool,
}

impl Default for BackendBuilder {
    fn default() -> Self {
        BackendBuilder {
            entity: "fake-entity".into(),
            features: Vec::new(),
            api_key: None,
            keep_bodies: true,
        }
    }
}

impl BackendBuilder {
    /// The entity runs get when `UpsertBucket` names none (and the viewer's entity). Default
    /// `fake-entity`.
    pub fn with_entity(mut self, entity: impl Into<String>) -> Self {
        self.entity = entity.into();
        self
    }

    /// A server feature that `ServerFeaturesQuery` reports (`FILESTREAM_GZIP`, ...). By default
    /// none are reported, so every feature is off.
    pub fn with_server_feature(mut self, name: impl Into<String>, enabled: bool) -> Self {
        self.features.push((name.into(), enabled));
        self
    }

    /// Accepts only this API key (HTTP Basic `api:<key>`) on `/graphql` and `/files/`,
    /// answering others 401. By default any key is accepted.
    pub fn with_api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Whether [`Backend::requests`] keeps each request's body (default `true`). Off, only the
    /// recorded state holds uploaded bytes (once), which suits large uploads; GraphQL
    /// variables are kept either way.
    pub fn with_request_bodies(mut self, keep: bool) -> Self {
        self.keep_bodies = keep;
        self
    }

    /// Binds `127.0.0.1:0` and starts serving.
    ///
    /// # Errors
    /// [`Error::Bind`] when no local port can be bound.
    pub fn start(self) -> Result<Backend, Error> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|source| Error::Bind {
            addr: "127.0.0.1:0".into(),
            source,
        })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: "127.0.0.1:0".into(),
            source,
        })?;
        let shared = Arc::new(Shared {
            settings: Settings {
                entity: self.entity,
                features: self.features,
            },
            base_url: format!("http://{addr}"),
            state: Mutex::new(State::default()),
            requests: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            api_key: Mutex::new(self.api_key),
            keep_bodies: self.keep_bodies,
            connections: Mutex::new(BTreeMap::new()),
            next_connection: AtomicU64::new(0),
            stopping: AtomicBool::new(false),
        });
        let accept = spawn_accept(Arc::clone(&shared), listener);
        Ok(Backend {
            shared,
            addr,
            accept: Mutex::new(Some(accept)),
        })
    }
}

/// A fake W&B server on `127.0.0.1`, serving on background threads until dropped.
///
/// See the [crate documentation](crate) for what it answers and records.
pub struct Backend {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept: Mutex<Option<JoinHandle<Vec<JoinHandle<()>>>>>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("base_url", &self.shared.base_url)
            .field("listening", &self.is_listening())
            .finish_non_exhaustive()
    }
}

impl Backend {
    /// Starts a backend with the default settings on `127.0.0.1:0`.
    ///
    /// # Errors
    /// [`Error::Bind`] when no local port can be bound.
    pub fn start() -> Result<Backend, Error> {
        BackendBuilder::default().start()
    }

    /// A builder for a backend with other settings.
    pub fn builder() -> BackendBuilder {
        BackendBuilder::default()
    }

    /// `http://127.0.0.1:PORT`: the `base_url` (`WANDB_BASE_URL`) to give the client.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in order, with the status answered.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// How many requests were received so far.
    pub fn request_count(&self) -> usize {
        lock(&self.shared.requests).len()
    }

    /// The GraphQL operation names received so far, in order (faulted ones included).
    pub fn operations(&self) -> Vec<String> {
        lock(&self.shared.requests)
            .iter()
            .filter_map(|r| r.operation.clone())
            .collect()
    }

    /// GraphQL operations the backend does not model, answered `{"data": null}`, in order.
    pub fn unknown_operations(&self) -> Vec<String> {
        lock(&self.shared.state).unknown_operations.clone()
    }

    /// Every run the backend holds.
    pub fn runs(&self) -> Vec<RunRecord> {
        lock(&self.shared.state).runs.clone()
    }

    /// The run of that name (the SDK's run id), in any entity and project.
    pub fn run(&self, name: &str) -> Option<RunRecord> {
        lock(&self.shared.state)
            .runs
            .iter()
            .find(|r| r.name == name)
            .cloned()
    }

    /// Every artifact the backend holds, in creation order.
    pub fn artifacts(&self) -> Vec<ArtifactRecord> {
        lock(&self.shared.state).artifacts.clone()
    }

    /// The latest artifact of that collection name.
    pub fn artifact(&self, name: &str) -> Option<ArtifactRecord> {
        lock(&self.shared.state)
            .artifacts
            .iter()
            .rev()
            .find(|a| a.name == name)
            .cloned()
    }

    /// Every accepted upload (`PUT`): path to bytes.
    pub fn uploads(&self) -> BTreeMap<String, Vec<u8>> {
        lock(&self.shared.state).uploads.clone()
    }

    /// Makes the next matching requests fail (see [`Fault`]). Faults are tried in the order
    /// they were injected; each request uses up at most one.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// The injected faults not yet used up.
    pub fn pending_faults(&self) -> Vec<Fault> {
        lock(&self.shared.faults).clone()
    }

    /// Drops every injected fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Accepts only this key on `/graphql` and `/files/` from now on (others get 401), or any
    /// key with `None`.
    pub fn set_api_key(&self, key: Option<String>) {
        *lock(&self.shared.api_key) = key;
    }

    /// Whether the backend is accepting connections.
    pub fn is_listening(&self) -> bool {
        lock(&self.accept).is_some()
    }

    /// Stops listening and closes every open connection: to the client the server is down
    /// (connections are refused). What was recorded stays.
    pub fn stop_listening(&self) {
        let mut accept = lock(&self.accept);
        let Some(handle) = accept.take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::SeqCst);
        // The accept loop sees `stopping` and drops the listener.
        let workers = handle.join().unwrap_or_default();
        for (_, conn) in std::mem::take(&mut *lock(&self.shared.connections)) {
            let _ = conn.shutdown(Shutdown::Both);
        }
        for w in workers {
            let _ = w.join();
        }
    }

    /// Listens again on the same address after [`stop_listening`](Self::stop_listening).
    ///
    /// # Errors
    /// [`Error::Bind`] when the port was taken meanwhile.
    pub fn resume_listening(&self) -> Result<(), Error> {
        let mut accept = lock(&self.accept);
        if accept.is_some() {
            return Ok(());
        }
        let listener = TcpListener::bind(self.addr).map_err(|source| Error::Bind {
            addr: self.addr.to_string(),
            source,
        })?;
        self.shared.stopping.store(false, Ordering::SeqCst);
        *accept = Some(spawn_accept(Arc::clone(&self.shared), listener));
        Ok(())
    }

    /// Polls `done` (every 20 ms) until it is true or `timeout` has passed; says which.
    pub fn wait_until(&self, timeout: Duration, mut done: impl FnMut(&Backend) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if done(self) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.stop_listening();
    }
}

/// How often the accept loop looks for a new connection or a stop.
const ACCEPT_POLL: Duration = Duration::from_millis(5);

/// Runs the accept loop on its own thread; it returns the connection threads it started.
///
/// The listener is non-blocking and polled, so that a stop is seen within [`ACCEPT_POLL`]
/// whatever the state of the network stack.
fn spawn_accept(shared: Arc<Shared>, listener: TcpListener) -> JoinHandle<Vec<JoinHandle<()>>> {
    std::thread::spawn(move || {
        let mut workers: Vec<JoinHandle<()>> = Vec::new();
        if listener.set_nonblocking(true).is_err() {
            return workers;
        }
        while !shared.stopping.load(Ordering::SeqCst) {
            let stream = match listener.accept() {
                Ok((stream, _)) => stream,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(ACCEPT_POLL);
                    continue;
                }
                Err(_) => {
                    // A failed accept (the peer reset, too many files): keep serving.
                    std::thread::sleep(ACCEPT_POLL);
                    continue;
                }
            };
            // Accepted sockets inherit non-blocking mode on some platforms.
            if stream.set_nonblocking(false).is_err() {
                continue;
            }
            workers.retain(|w| !w.is_finished());
            let id = shared.next_connection.fetch_add(1, Ordering::SeqCst);
            if let Ok(clone) = stream.try_clone() {
                lock(&shared.connections).insert(id, clone);
            }
            let shared = Arc::clone(&shared);
            workers.push(std::thread::spawn(move || {
                serve_connection(&shared, stream);
                lock(&shared.connections).remove(&id);
            }));
        }
        workers
    })
}

/// Serves requests on one connection until the client closes it, asks to, or errs.
fn serve_connection(shared: &Shared, stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        match read_request(&mut reader, &mut writer) {
            Ok(None) => return,
            Err(e) => {
                if let Some(status) = e.status() {
                    let _ = Response::text(status, e.to_string()).write_to(&mut writer, false);
                }
                return;
            }
            Ok(Some(req)) => {
                let keep_alive = req.keep_alive;
                let Some(resp) = shared.dispatch(req) else {
                    // An injected disconnect: close without answering.
                    let _ = writer.shutdown(Shutdown::Both);
                    return;
                };
                if resp.write_to(&mut writer, keep_alive).is_err() || !keep_alive {
                    let _ = writer.flush();
                    return;
                }
            }
        }
    }
}

impl Shared {
    /// Answers one request (a rejected key, an injected fault, or the service) and records it;
    /// `None` when a fault closes the connection instead.
    fn dispatch(&self, req: crate::http::Request) -> Option<Response> {
        let (operation, variables) = if req.method == "POST" && req.path == "/graphql" {
            graphql_parts(&req.body)
        } else {
            (None, None)
        };
        let authed_path = req.path == "/graphql" || req.path.starts_with("/files/");
        let key_rejected = authed_path
            && lock(&self.api_key).as_deref().is_some_and(|want| {
                req.header("authorization")
                    .and_then(basic_auth_key)
                    .as_deref()
                    != Some(want)
            });
        let fault = if key_rejected {
            None
        } else {
            take_fault(&mut lock(&self.faults), &req.path, operation.as_deref())
        };
        let (resp, injected) = if key_rejected {
            (
                Some(error_response(
                    401,
                    "the API key is not the one this backend accepts",
                )),
                true,
            )
        } else if let Some(f) = fault {
            match f {
                Injected::Respond(r) => (Some(r), true),
                Injected::Disconnect => (None, true),
            }
        } else {
            let r = lock(&self.state).handle(
                &req,
                operation.as_deref(),
                variables.as_ref(),
                &self.settings,
                &self.base_url,
            );
            (Some(r), false)
        };
        lock(&self.requests).push(RecordedRequest {
            method: req.method,
            path: req.path,
            query: req.query,
            headers: req.headers,
            body: if self.keep_bodies {
                req.body
            } else {
                Vec::new()
            },
            gzipped: req.gzipped,
            operation,
            variables,
            status: resp.as_ref().map_or(0, |r| r.status),
            injected,
        });
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Backend>();
    }
}
