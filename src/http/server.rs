//! The server: one accept loop over any [`Acceptor`] of byte streams (a TCP
//! listener, a Unix socket, later an onion service), bound to one
//! [`Router`]. It owns the connection slots (a permit before `accept`, so
//! excess clients wait in the kernel's backlog, not in memory), each
//! stream's circuit identity and the per-circuit connection cap, the
//! header-read and whole-connection timeouts, the headers every response
//! carries, and graceful shutdown.
//!
//! A stream's circuit is given by the acceptor: read from tor's PROXY line
//! on a listener configured for it ([`Identity::ProxyLine`]), or known
//! directly (an onion acceptor's rendezvous circuit). Nothing else about a
//! stream is looked at or kept.

use super::request::{self, RequestError};
use super::{Headers, Reply};
use crate::config::ListenAddr;
use crate::limits::{CircuitGuard, CircuitLimits};
use crate::proxy_protocol::{self, CircuitId};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONNECTION};
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio::sync::{watch, Semaphore};

/// A connection is closed after this long whatever it does, so a client
/// that stops reading cannot hold a slot for ever.
const CONNECTION_MAX: Duration = Duration::from_secs(300);
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
    /// Per-circuit connection cap (and the signing buckets the router uses);
    /// `None` when streams carry no circuit.
    pub circuits: Option<Arc<CircuitLimits>>,
    /// Added to every response.
    pub headers: Headers,
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
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        let permit = tokio::select! {
            p = Arc::clone(&slots).acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            _ = shutdown.changed() => break,
        };
        let accepted = tokio::select! {
            a = acceptor.accept() => a,
            _ = shutdown.changed() => break,
        };
        let Ok(stream) = accepted else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let router = Arc::clone(&router);
        let options = Arc::clone(&options);
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let _permit = permit;
            connection(stream, router, options, watcher).await
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
) where
    Io: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    R: Router,
{
    let Accepted { mut io, identity } = stream;
    let circuit_id = match identity {
        Identity::None => None,
        Identity::Circuit(id) => Some(id),
        Identity::ProxyLine => {
            let line =
                tokio::time::timeout(options.header_read_timeout, proxy_protocol::read_header(&mut io));
            let Ok(Ok(id)) = line.await else { return };
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
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let router = Arc::clone(&router);
        let circuit = circuit.clone();
        let options = Arc::clone(&options);
        async move {
            // Only `Onion-Location` needs the path after the request is gone.
            let path = options.headers.needs_path().then(|| req.uri().path().to_owned());
            let mut resp = match request::check(&req) {
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
            Ok::<_, Infallible>(resp)
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .auto_date_header(false)
        .max_buf_size(64 * 1024)
        .max_headers(64);
    let conn = builder.serve_connection(TokioIo::new(io), service);
    let _ = tokio::time::timeout(CONNECTION_MAX, watcher.watch(conn)).await;
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
