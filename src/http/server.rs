//! The server: one accept loop over any [`Acceptor`] of byte streams (a TCP
//! listener, a Unix socket, an in-process onion service), bound to one
//! [`Router`]. It owns the connection slots, each stream's circuit identity
//! and the per-circuit connection cap, the timeouts, the headers every
//! response carries, and graceful shutdown.
//!
//! Slow and idle clients cannot starve others. When every slot is taken,
//! the oldest connection that is not answering a request (one that has not
//! finished its first head, then one idle between requests) is closed to
//! make room; only when all are answering do newcomers wait, in the
//! kernel's backlog (one accepted stream at most waits in memory). A
//! request's head must keep up a minimum rate after a grace period
//! ([`MinRate`]; the form reader holds bodies to the same rate), and a
//! connection whose answer makes no progress for [`ServerOptions::write_stall`]
//! is closed, so a client that stops reading cannot hold its slot.
//!
//! A stream's circuit is given by the acceptor: read from tor's PROXY line
//! on a listener configured for it ([`Identity::ProxyLine`]), or known
//! directly (an onion acceptor's rendezvous circuit). Nothing else about a
//! stream is looked at or kept.

use super::framing::{self, Framed};
pub use super::rate::MinRate;
use super::request::{self, RequestError};
use super::slots::{Phase, Slot, Table};
use super::{Body, Headers, Reply};
use crate::config::ListenAddr;
use crate::limits::{CircuitGuard, CircuitLimits};
use crate::proxy_protocol::{self, CircuitId};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONNECTION};
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio::sync::{watch, Semaphore, TryAcquireError};
use tokio::time::{Instant, Sleep};

/// How long a connection is served by default ([`ServerOptions::max_age`]).
pub const CONNECTION_MAX_AGE: Duration = Duration::from_secs(300);
/// Past its age, what a connection is still answering gets this long to
/// finish before the connection is cut.
const LAST_ANSWER: Duration = Duration::from_secs(30);
/// In-flight requests get this long to finish after shutdown begins.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// How the circuit a stream arrived on is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identity {
    /// Not at all (loopback TCP, the console's socket).
    None,
    /// From tor's PROXY v1 line at the start of the stream
    /// (`HiddenServiceExportCircuitID haproxy`); a stream without one is closed.
    ProxyLine,
    /// Given by the acceptor itself.
    Circuit(CircuitId),
}

/// A stream as an acceptor hands it over.
pub struct Accepted<Io> {
    /// The bytes.
    pub io: Io,
    /// How its circuit is known.
    pub identity: Identity,
}

/// Something that yields byte streams to serve.
pub trait Acceptor: Send + 'static {
    /// The streams it yields.
    type Io: AsyncRead + AsyncWrite + Unpin + Send + 'static;

    /// The next stream. An error is taken as passing (out of file
    /// descriptors and the like): the loop backs off and asks again.
    fn accept(&mut self) -> impl Future<Output = io::Result<Accepted<Self::Io>>> + Send;
}

/// Answers requests: the public site or the console.
pub trait Router: Send + Sync + 'static {
    /// One request, with the circuit's guard when the stream has a circuit.
    /// Every path ends in a response: input can make a 4xx, never a panic.
    fn route(
        self: Arc<Self>,
        req: Request<Incoming>,
        circuit: Option<Arc<CircuitGuard>>,
    ) -> impl Future<Output = Reply> + Send;

    /// The router's page for a request refused before routing
    /// ([`request::check`]).
    fn refuse_request(&self, error: RequestError) -> Reply;
}

/// The bounds one listener serves under.
pub struct ServerOptions {
    /// Open connections at once, at most.
    pub max_connections: usize,
    /// Time to send a request's head; also how long an idle connection stays.
    pub header_read_timeout: Duration,
    /// The rate a request's head must keep up after its grace period.
    pub min_rate: MinRate,
    /// A connection whose answer makes no progress this long is closed.
    pub write_stall: Duration,
    /// Per-circuit connection cap (and the signing buckets the router uses);
    /// `None` when streams carry no circuit.
    pub circuits: Option<Arc<CircuitLimits>>,
    /// Added to every response.
    pub headers: Headers,
    /// After this long a connection's next answer says `Connection: close`
    /// and the connection ends with it, so no slot is held for ever; a
    /// request already begun is answered, never cut off.
    pub max_age: Duration,
}

/// Serves until `shutdown` turns true, then lets connections finish their
/// requests (in-flight signatures included) for up to [`SHUTDOWN_GRACE`].
pub async fn serve<A: Acceptor, R: Router>(
    mut acceptor: A,
    router: Arc<R>,
    options: ServerOptions,
    mut shutdown: watch::Receiver<bool>,
) {
    let options = Arc::new(options);
    let slots = Arc::new(Semaphore::new(options.max_connections));
    let table = Arc::new(Table::default());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    'serving: loop {
        let accepted = tokio::select! {
            a = acceptor.accept() => a,
            _ = shutdown.changed() => break,
        };
        let Ok(stream) = accepted else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        // One accepted stream at most waits here for a slot; the rest wait
        // in the kernel's backlog.
        let permit = match Arc::clone(&slots).try_acquire_owned() {
            Ok(p) => p,
            Err(TryAcquireError::Closed) => break,
            Err(TryAcquireError::NoPermits) => {
                let mut evicted = false;
                loop {
                    let became_idle = table.idle.notified();
                    evicted = evicted || table.evict_one();
                    tokio::select! {
                        p = Arc::clone(&slots).acquire_owned() => match p {
                            Ok(p) => break p,
                            Err(_) => break 'serving,
                        },
                        // Every connection was answering: try again once one is not.
                        _ = became_idle, if !evicted => {}
                        _ = shutdown.changed() => break 'serving,
                    }
                }
            }
        };
        let router = Arc::clone(&router);
        let options = Arc::clone(&options);
        let watcher = graceful.watcher();
        let (slot, registered) = table.open();
        let table = Arc::clone(&table);
        tokio::spawn(async move {
            let _permit = permit;
            let _registered = registered;
            tokio::select! {
                _ = connection(stream, router, options, watcher, Arc::clone(&slot), table) => {}
                _ = slot.evict.notified() => {}
            }
        });
    }
    drop(acceptor);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
}

/// One connection: its circuit, then HTTP/1.1 with keep-alive.
async fn connection<Io, R>(
    stream: Accepted<Io>,
    router: Arc<R>,
    options: Arc<ServerOptions>,
    watcher: hyper_util::server::graceful::Watcher,
    slot: Arc<Slot>,
    table: Arc<Table>,
) where
    Io: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    R: Router,
{
    let Accepted { io, identity } = stream;
    let mut io = Watched::new(io, Arc::clone(&slot), &options);
    let circuit_id = match identity {
        Identity::None => None,
        Identity::Circuit(id) => Some(id),
        Identity::ProxyLine => {
            let line =
                tokio::time::timeout(options.header_read_timeout, proxy_protocol::read_header(&mut io));
            let Ok(Ok(id)) = line.await else { return };
            // The PROXY line is not the head: the head's rate starts after it.
            slot.set(Phase::Waiting { since: Instant::now(), served: false });
            Some(id)
        }
    };
    let circuit = match (circuit_id, &options.circuits) {
        (Some(id), Some(limits)) => match limits.connect(id.0) {
            Some(guard) => Some(Arc::new(guard)),
            None => return, // this circuit has too many connections open
        },
        _ => None,
    };
    let header_read_timeout = options.header_read_timeout;
    let max_age = options.max_age;
    // Heads are checked whole before hyper reads them: a refused one
    // reaches the service as a stand-in, answered with the refusal.
    let refusal = framing::Refusal::default();
    let io = Framed::new(io, Arc::clone(&refusal));
    let requests = Arc::new(AtomicU64::new(0));
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let nth = requests.fetch_add(1, Ordering::Relaxed) + 1;
        let refused = match *refusal.lock().unwrap_or_else(|p| p.into_inner()) {
            Some((n, e)) if n == nth => Some(e),
            _ => None,
        };
        let router = Arc::clone(&router);
        let circuit = circuit.clone();
        let options = Arc::clone(&options);
        let answering = Answering { slot: Arc::clone(&slot), table: Arc::clone(&table) };
        async move {
            if !answering.slot.begin() {
                // Closed to make room an instant ago: the connection is
                // going, and this request is never started. Say so, as a
                // server too busy would, rather than answer an empty 200.
                let mut resp = Response::new(Tracked {
                    body: Body::pieces(super::pieces(
                        Default::default(),
                        Default::default(),
                        Default::default(),
                    )),
                    _answering: answering,
                });
                *resp.status_mut() = hyper::StatusCode::SERVICE_UNAVAILABLE;
                resp.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
                return Ok(resp);
            }
            // Only `Onion-Location` needs the path after the request is gone.
            let path = options.headers.needs_path().then(|| req.uri().path().to_owned());
            // A chunked body went to hyper unchecked: no request after it is trusted.
            let chunked = req.headers().contains_key(hyper::header::TRANSFER_ENCODING);
            let mut resp = match refused.map_or_else(|| request::check(&req), Err) {
                Ok(()) => router.route(req, circuit).await,
                Err(e) => {
                    // What follows an ambiguous head on the stream is not
                    // trusted: answer, then close.
                    let mut resp = router.refuse_request(e);
                    resp.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
                    resp
                }
            };
            options.headers.finish(&mut resp, path.as_deref().unwrap_or("/"));
            if chunked || answering.slot.accepted.elapsed() >= options.max_age {
                resp.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
            }
            Ok::<_, Infallible>(resp.map(|body| Tracked { body, _answering: answering }))
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .auto_date_header(false)
        // Past what [`Framed`] lets through, so hyper never refuses a
        // head itself (its answers would lack the security headers).
        .max_buf_size(framing::MAX_HEAD + 16 * 1024)
        .max_headers(framing::MAX_HEADERS);
    let conn = builder.serve_connection(TokioIo::new(io), service);
    // The backstop: a connection past its age that never finishes its answer.
    let _ = tokio::time::timeout(max_age + LAST_ANSWER, watcher.watch(conn)).await;
}

/// Held by a response's body: when hyper has taken all of it (or dropped
/// it), the connection is no longer answering and may make room.
struct Answering {
    slot: Arc<Slot>,
    table: Arc<Table>,
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.slot.set(Phase::Waiting { since: Instant::now(), served: true });
        self.table.idle.notify_one();
    }
}

/// A response body that tells the connection's slot when it is done.
struct Tracked {
    body: Body,
    _answering: Answering,
}

impl hyper::body::Body for Tracked {
    type Data = <Body as hyper::body::Body>::Data;
    type Error = <Body as hyper::body::Body>::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

/// A stream held to the head's minimum rate and the write-progress timeout.
/// Bodies are held to their rate by the form reader, idle connections by
/// hyper's header timeout.
struct Watched<Io> {
    io: Io,
    slot: Arc<Slot>,
    rate: MinRate,
    write_stall: Duration,
    read_timer: Option<Pin<Box<Sleep>>>,
    write_timer: Option<Pin<Box<Sleep>>>,
}

impl<Io> Watched<Io> {
    fn new(io: Io, slot: Arc<Slot>, options: &ServerOptions) -> Watched<Io> {
        Watched {
            io,
            slot,
            rate: options.min_rate,
            write_stall: options.write_stall,
            read_timer: None,
            write_timer: None,
        }
    }

    /// Pending on a write: an error once nothing has moved for the stall time.
    fn stalled(&mut self, cx: &mut Context<'_>) -> bool {
        let stall = self.write_stall;
        let timer = self.write_timer.get_or_insert_with(|| Box::pin(tokio::time::sleep(stall)));
        timer.as_mut().poll(cx).is_ready()
    }

    fn wrote<T>(&mut self, done: Poll<io::Result<T>>, progress: impl Fn(&T) -> bool) -> Poll<io::Result<T>> {
        match done {
            Poll::Ready(Ok(n)) => {
                if progress(&n) {
                    self.write_timer = None;
                }
                Poll::Ready(Ok(n))
            }
            other => other,
        }
    }
}

fn timed_out(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, what)
}

impl<Io: AsyncRead + Unpin> AsyncRead for Watched<Io> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let n = buf.filled().len() - before;
                if n > 0 {
                    this.read_timer = None;
                    this.slot.read(n);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending => {
                // Only a head on its way is held to the rate.
                if let Some(deadline) = this.slot.deadline(&this.rate) {
                    let timer =
                        this.read_timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                    if timer.deadline() != deadline {
                        timer.as_mut().reset(deadline);
                    }
                    if timer.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Err(timed_out("request head slower than the minimum rate")));
                    }
                }
                Poll::Pending
            }
            other => other,
        }
    }
}

impl<Io: AsyncWrite + Unpin> AsyncWrite for Watched<Io> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write(cx, buf) {
            Poll::Pending if this.stalled(cx) => Poll::Ready(Err(timed_out("answer not read"))),
            done => this.wrote(done, |n| *n > 0),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write_vectored(cx, bufs) {
            Poll::Pending if this.stalled(cx) => Poll::Ready(Err(timed_out("answer not read"))),
            done => this.wrote(done, |n| *n > 0),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_flush(cx) {
            Poll::Pending if this.stalled(cx) => Poll::Ready(Err(timed_out("answer not read"))),
            done => this.wrote(done, |_| true),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_shutdown(cx) {
            Poll::Pending if this.stalled(cx) => Poll::Ready(Err(timed_out("answer not read"))),
            done => this.wrote(done, |_| true),
        }
    }
}

/// A bound TCP or Unix listening socket.
pub struct Listener {
    socket: Socket,
    identity: Identity,
}

enum Socket {
    Tcp(TcpListener),
    /// The path is removed again when the listener is dropped.
    Unix(UnixListener, std::path::PathBuf),
}

impl Listener {
    /// Binds `addr`. With `proxy_protocol`, every stream must begin with
    /// tor's PROXY line, which gives its circuit.
    pub async fn bind(addr: &ListenAddr, proxy_protocol: bool) -> io::Result<Listener> {
        let socket = match addr {
            ListenAddr::Tcp(a) => Socket::Tcp(TcpListener::bind(a).await?),
            ListenAddr::Unix(path) => {
                // A socket left by a previous run would make bind fail.
                if std::fs::symlink_metadata(path)
                    .is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_socket(&m.file_type()))
                {
                    std::fs::remove_file(path)?;
                }
                let listener = UnixListener::bind(path)?;
                // Owner and group: tor (in the socket's group) must connect,
                // nobody else. Under UMask=0077 the socket would be 0700.
                std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o660))?;
                Socket::Unix(listener, path.clone())
            }
        };
        let identity = if proxy_protocol { Identity::ProxyLine } else { Identity::None };
        Ok(Listener { socket, identity })
    }

    /// The TCP address it listens on (a Unix socket has none).
    pub fn local_addr(&self) -> Option<std::net::SocketAddr> {
        match &self.socket {
            Socket::Tcp(l) => l.local_addr().ok(),
            Socket::Unix(..) => None,
        }
    }

    /// Where it listens, for the start-up line.
    pub fn describe(&self) -> String {
        match &self.socket {
            Socket::Tcp(l) => l.local_addr().map(|a| format!("http://{a}")).unwrap_or_default(),
            Socket::Unix(_, p) => format!("unix:{}", p.display()),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Socket::Unix(_, path) = &self.socket {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Acceptor for Listener {
    type Io = SocketStream;

    async fn accept(&mut self) -> io::Result<Accepted<SocketStream>> {
        let io = match &self.socket {
            Socket::Tcp(l) => {
                let (s, _peer) = l.accept().await?;
                let _ = s.set_nodelay(true);
                SocketStream::Tcp(s)
            }
            Socket::Unix(l, _) => SocketStream::Unix(l.accept().await?.0),
        };
        Ok(Accepted { io, identity: self.identity })
    }
}

/// A stream from a [`Listener`]; the peer's address is never kept.
pub enum SocketStream {
    /// From a TCP listener.
    Tcp(TcpStream),
    /// From a Unix socket.
    Unix(UnixStream),
}

macro_rules! both {
    ($self:ident, $s:ident => $e:expr) => {
        match $self.get_mut() {
            SocketStream::Tcp($s) => $e,
            SocketStream::Unix($s) => $e,
        }
    };
}

impl AsyncRead for SocketStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        both!(self, s => Pin::new(s).poll_read(cx, buf))
    }
}

impl AsyncWrite for SocketStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        both!(self, s => Pin::new(s).poll_write(cx, buf))
    }

    // The letter page goes out in pieces with one writev: keep it vectored.
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        both!(self, s => Pin::new(s).poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            SocketStream::Tcp(s) => s.is_write_vectored(),
            SocketStream::Unix(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        both!(self, s => Pin::new(s).poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        both!(self, s => Pin::new(s).poll_shutdown(cx))
    }
}
