//! Fetching the origin's snapshot: plain HTTP/1.1 with hyper's client, one
//! connection per poll, `If-None-Match` with the trusted `ETag` so that an
//! unchanged snapshot costs one short 304. The body is streamed to a file
//! under a size cap, never whole in memory, then its signature beside it.
//! When the mirror holds a snapshot and the origin serves a chunk list
//! ([`crate::snapshot::chunks`]), a changed snapshot is built from the
//! chunks the mirror already holds plus the changed ones, fetched in one
//! `/snapshot.parts` request for that snapshot's number (so a newer one
//! mid-way is noticed); with no list, or too many changes, it is fetched
//! whole as before.
//! With `origin_proxy` set, the origin, onion or not, is reached through
//! that SOCKS5 proxy (the tor daemon's SocksPort), given its host name
//! ([`crate::socks`]); without it, an onion origin is reached over Tor with
//! the arti client of the `onion` feature ([`crate::onion::Dialer`]), and a
//! build without that feature refuses one at start. What is fetched is only a candidate: the signature, not the
//! transport, decides (see [`super::trust`]).

use super::trust::SnapshotRefusal;
use crate::snapshot::chunks::{Chunk, Chunks, MAX_PARTS};
use crate::socks::Socks5h;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Request, StatusCode};
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// A connection to the origin must be made within this.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// One whole fetch (snapshot and signature) must end within this.
const FETCH_TIMEOUT: Duration = Duration::from_secs(300);
/// A `.minisig` file is four short lines.
const MAX_SIGNATURE: u64 = 16 * 1024;

/// The origin a mirror copies: `http://HOST[:PORT][/PATH]`, where
/// `PATH/snapshot.json` is the snapshot (an origin or another mirror).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    host: String,
    port: u16,
    /// The path prefix, without a trailing `/`.
    prefix: String,
    onion: bool,
}

/// Why an origin URL is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    /// Not `http://…` (this client speaks no TLS).
    #[error("--origin `{0}`: only http:// origins can be polled (the signature, not TLS, is what a mirror trusts; put a plain-HTTP address of the origin or of another mirror)")]
    NotHttp(String),
    /// No host, or a port that is not a number.
    #[error("--origin `{0}` is not http://HOST[:PORT][/PATH]")]
    Malformed(String),
}

impl std::str::FromStr for Origin {
    type Err = OriginError;
    fn from_str(url: &str) -> Result<Origin, OriginError> {
        let rest = url.strip_prefix("http://").ok_or_else(|| OriginError::NotHttp(url.into()))?;
        let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
        let bad = || OriginError::Malformed(url.into());
        if authority.contains('@') || path.contains(['?', '#']) {
            return Err(bad());
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => {
                (h, p.parse::<u16>().map_err(|_| bad())?)
            }
            _ => (authority, 80),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        if host.is_empty() || port == 0 {
            return Err(bad());
        }
        let prefix = path.trim_end_matches('/');
        Ok(Origin {
            onion: host.ends_with(".onion"),
            host,
            port,
            prefix: if prefix.is_empty() { String::new() } else { format!("/{prefix}") },
        })
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        match self.port {
            80 => write!(f, "http://{host}{}", self.prefix),
            port => write!(f, "http://{host}:{port}{}", self.prefix),
        }
    }
}

impl Origin {
    /// Whether it is an onion service, reached only over Tor.
    pub fn is_onion(&self) -> bool {
        self.onion
    }

    /// The address of a page of the origin, for links.
    pub fn url(&self, path: &str) -> String {
        format!("{self}{path}")
    }

    /// The `Host` header of a request to it.
    fn host_header(&self) -> String {
        match self.port {
            80 => self.host.clone(),
            port => format!("{}:{port}", self.host),
        }
    }
}

/// A stream to the origin: TCP, or over Tor.
pub(crate) trait Stream:
    tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static
{
}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static> Stream for T {}

/// What a poll brought.
#[derive(Debug)]
pub enum Fetched {
    /// The origin still has the trusted snapshot (304).
    NotModified,
    /// A snapshot and its signature, in these files, and the bytes fetched.
    New {
        /// The snapshot.
        json: PathBuf,
        /// The bodies' bytes on the wire.
        bytes: u64,
        /// Built from the chunks held and the changed ones (not whole).
        from_chunks: bool,
    },
}

/// The snapshot the mirror holds, offered so that only changes travel.
pub struct Held {
    /// Its number.
    pub seq: u64,
    /// The file.
    pub file: Arc<File>,
    /// Its chunk list.
    pub chunks: Arc<Chunks>,
}

/// One piece of a snapshot being built: bytes of the held file, or bytes
/// of the new one to fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Piece {
    Held { offset: u64, len: u64 },
    Fetch { offset: u64, len: u64 },
}

/// How to build `new` from `held`: each chunk the mirror has is copied,
/// runs of the others fetched. A chunk named by a digest the mirror holds
/// but with another length is a lie (an honest list cannot do it): a list
/// naming a large held chunk thousands of times, each "1 byte", would
/// otherwise build a file thousands of times that large.
fn plan(held: &Chunks, new: &Chunks) -> Result<Vec<Piece>, SnapshotRefusal> {
    let have: HashMap<_, &Chunk> = held.chunks.iter().map(|c| (c.sha256, c)).collect();
    let mut pieces: Vec<Piece> = Vec::new();
    for c in &new.chunks {
        match (have.get(&c.sha256), pieces.last_mut()) {
            (Some(h), _) if h.len != c.len => {
                return Err(SnapshotRefusal::Malformed(format!(
                    "its chunk list names a chunk of {} bytes that is {} bytes long",
                    c.len, h.len
                )))
            }
            (Some(h), _) => pieces.push(Piece::Held { offset: h.offset, len: h.len }),
            (None, Some(Piece::Fetch { len, .. })) => *len += c.len,
            (None, _) => pieces.push(Piece::Fetch { offset: c.offset, len: c.len }),
        }
    }
    Ok(pieces)
}

/// The transport to the origin: TCP, a SOCKS5 proxy, or for an onion
/// origin with no proxy, arti.
pub struct Client {
    origin: Origin,
    max_bytes: u64,
    proxy: Option<Socks5h>,
    #[cfg(feature = "onion")]
    tor: Option<crate::onion::Dialer>,
}

/// Why an onion origin cannot be mirrored by this build.
#[cfg(not(feature = "onion"))]
pub fn onion_unsupported(origin: &Origin) -> String {
    format!(
        "--origin {origin} is an onion service: reach it through the tor daemon's SocksPort with --origin-proxy socks5h://127.0.0.1:9050 (or the `origin_proxy` key), or use undersign built with the `onion` feature (arti), which this build is not"
    )
}

impl Client {
    /// A client of `origin` that reads at most `max_bytes` of a snapshot,
    /// through `config`'s `origin_proxy` if set; else for an onion origin,
    /// with an arti client whose files are under `config`'s data dir. Must
    /// run inside the tokio runtime.
    pub fn new(origin: Origin, max_bytes: u64, config: &crate::config::Config) -> Result<Client, String> {
        let proxy = config.origin_proxy.clone();
        let arti = origin.is_onion() && proxy.is_none();
        #[cfg(feature = "onion")]
        {
            let tor = match arti {
                true => Some(crate::onion::dialer(config).map_err(|e| e.to_string())?),
                false => None,
            };
            Ok(Client { origin, max_bytes, proxy, tor })
        }
        #[cfg(not(feature = "onion"))]
        {
            if arti {
                return Err(onion_unsupported(&origin));
            }
            Ok(Client { origin, max_bytes, proxy })
        }
    }

    /// Fetches `/snapshot.json` into `dir/incoming.json` (unless the origin
    /// answers 304 to `etag`) and its signature into
    /// `dir/incoming.json.minisig`. Both must carry the same `ETag`: a
    /// snapshot signed between the two requests is fetched again, once.
    ///
    /// With `held`, the chunk list is asked for first (see the module's
    /// words); `whole` skips that.
    pub async fn fetch(
        &self,
        held: Option<&Held>,
        whole: bool,
        dir: &Path,
    ) -> Result<Fetched, SnapshotRefusal> {
        let json = dir.join("incoming.json");
        let sig = crate::snapshot::signature_path(&json);
        let etag = held.map(|h| format!("\"{}\"", h.seq));
        let etag = etag.as_deref();
        let work = async {
            if let Some(held) = held.filter(|_| !whole) {
                if let Some(fetched) = self.fetch_changes(held, &json, &sig).await? {
                    return Ok(fetched);
                }
            }
            for _ in 0..2 {
                let got = self.get("/snapshot.json", etag, &json, self.max_bytes).await?;
                let Some((snapshot_etag, bytes)) = got else { return Ok(Fetched::NotModified) };
                let Some((sig_etag, _)) =
                    self.get("/snapshot.json.minisig", None, &sig, MAX_SIGNATURE).await?
                else {
                    return Err(SnapshotRefusal::Unreachable("the signature was answered with 304".into()));
                };
                // Ours are the number (`"N"`); another host's (a static
                // one's) say nothing about which snapshot: the signature decides.
                let numbered = |t: &str| {
                    t.strip_prefix('"')
                        .and_then(|t| t.strip_suffix('"'))
                        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                };
                if sig_etag == snapshot_etag || !numbered(&sig_etag) || !numbered(&snapshot_etag) {
                    return Ok(Fetched::New { json: json.clone(), bytes, from_chunks: false });
                }
            }
            Err(SnapshotRefusal::Unreachable("the snapshot changed while it was fetched, twice".into()))
        };
        match tokio::time::timeout(FETCH_TIMEOUT, work).await {
            Ok(r) => r,
            Err(_) => Err(SnapshotRefusal::Unreachable(format!(
                "no whole answer within {} s",
                FETCH_TIMEOUT.as_secs()
            ))),
        }
    }

    /// The new snapshot built from `held` and the changed chunks, into
    /// `json` and its signature into `sig`; `NotModified` when the list is
    /// `held`'s; `None` when it cannot be done so (no list, a list that
    /// does not read, too many changes, a newer version mid-way): then the
    /// caller fetches it whole.
    async fn fetch_changes(
        &self,
        held: &Held,
        json: &Path,
        sig: &Path,
    ) -> Result<Option<Fetched>, SnapshotRefusal> {
        let etag = format!("\"{}\"", held.seq);
        // A list is about 70 bytes per 12 KiB chunk: far less than this.
        let max_list = (self.max_bytes / 64).max(1 << 20);
        let mut list = Vec::new();
        let got =
            self.request("/snapshot.chunks", &[(header::IF_NONE_MATCH, etag)], &mut list, max_list).await?;
        match got.status {
            StatusCode::NOT_MODIFIED => return Ok(Some(Fetched::NotModified)),
            StatusCode::OK => {}
            _ => return Ok(None),
        }
        let Some(new) = std::str::from_utf8(&list).ok().and_then(|t| Chunks::parse(t, self.max_bytes).ok())
        else {
            return Ok(None);
        };
        let version = format!("\"{}\"", new.seq);
        if got.etag != version {
            return Ok(None);
        }
        let pieces = plan(&held.chunks, &new)?;
        let wanted: Vec<(u64, u64)> = pieces
            .iter()
            .filter_map(|p| match *p {
                Piece::Fetch { offset, len } => Some((offset, len)),
                Piece::Held { .. } => None,
            })
            .collect();
        let fetch_bytes: u64 = wanted.iter().map(|(_, len)| len).sum();
        // Past these, the whole file costs about as much, in one answer.
        if wanted.len() > MAX_PARTS || fetch_bytes > new.size() / 2 {
            return Ok(None);
        }
        let mut bytes = list.len() as u64;
        let failed = |e: std::io::Error| {
            SnapshotRefusal::Unreachable(format!("the snapshot could not be written: {e}"))
        };
        // The changed runs, in one answer, into a file of their own; then
        // the new file is put together off the runtime's threads.
        let parts_path = json.with_extension("parts");
        let mut parts = File::create(&parts_path).map_err(failed)?;
        if !wanted.is_empty() {
            let ranges: Vec<String> =
                wanted.iter().map(|(at, len)| format!("{at}-{}", at + len - 1)).collect();
            let path = format!("/snapshot.parts?seq={}&ranges={}", new.seq, ranges.join(","));
            let got = self.request(&path, &[], &mut parts, fetch_bytes).await;
            match got {
                Ok(got)
                    if got.status == StatusCode::OK && got.etag == version && got.written == fetch_bytes => {}
                // A newer snapshot meanwhile, or a host that serves no parts.
                Ok(_) | Err(SnapshotRefusal::TooLarge { .. }) => {
                    let _ = std::fs::remove_file(&parts_path);
                    return Ok(None);
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&parts_path);
                    return Err(e);
                }
            }
            bytes += fetch_bytes;
        }
        drop(parts);
        let (held_file, out, from) = (Arc::clone(&held.file), json.to_path_buf(), parts_path.clone());
        let max = self.max_bytes;
        let built = tokio::task::spawn_blocking(move || assemble(&held_file, &from, &pieces, &out, max))
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        let _ = std::fs::remove_file(&parts_path);
        match built {
            Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
                let _ = std::fs::remove_file(json);
                return Err(SnapshotRefusal::TooLarge { max });
            }
            built => built.map_err(failed)?,
        }
        let mut signature = Vec::new();
        let got = self.request("/snapshot.json.minisig", &[], &mut signature, MAX_SIGNATURE).await?;
        if got.status != StatusCode::OK || got.etag != version {
            return Ok(None);
        }
        std::fs::write(sig, &signature).map_err(failed)?;
        bytes += signature.len() as u64;
        Ok(Some(Fetched::New { json: json.to_path_buf(), bytes, from_chunks: true }))
    }

    /// GETs `path` into `out`, at most `max` bytes; `None` on a 304, else
    /// the answer's `ETag` (or "") and the body's length.
    async fn get(
        &self,
        path: &str,
        etag: Option<&str>,
        out: &Path,
        max: u64,
    ) -> Result<Option<(String, u64)>, SnapshotRefusal> {
        let unreachable = |e: &dyn fmt::Display| SnapshotRefusal::Unreachable(e.to_string());
        let mut file = File::create(out).map_err(|e| unreachable(&e))?;
        let headers: Vec<_> = etag.map(|t| (header::IF_NONE_MATCH, t.to_owned())).into_iter().collect();
        let got = self.request(path, &headers, &mut file, max).await?;
        match got.status {
            StatusCode::NOT_MODIFIED => Ok(None),
            StatusCode::OK => {
                file.sync_all().map_err(|e| unreachable(&e))?;
                Ok(Some((got.etag, got.written)))
            }
            s => Err(SnapshotRefusal::Unreachable(format!("{path} was answered with {s}"))),
        }
    }

    /// One GET of `path` with `headers`, over a new connection; the body of
    /// a 200 is written to `out`, at most `max` bytes.
    async fn request(
        &self,
        path: &str,
        headers: &[(HeaderName, String)],
        out: &mut (dyn Write + Send),
        max: u64,
    ) -> Result<Answer, SnapshotRefusal> {
        let stream = self.connect().await?;
        self.exchange(stream, path, headers, out, max).await
    }

    /// A new connection to the origin (a replica's forms use it too).
    pub(crate) async fn connect(&self) -> Result<Box<dyn Stream>, SnapshotRefusal> {
        let unreachable = |e: &dyn fmt::Display| SnapshotRefusal::Unreachable(e.to_string());
        let (host, port) = (self.origin.host.as_str(), self.origin.port);
        if let Some(proxy) = &self.proxy {
            // The name goes to the proxy; over Tor a first stream may wait
            // for a rendezvous: the caller's whole bound applies.
            let stream = proxy.connect(host, port).await.map_err(|e| unreachable(&e))?;
            return Ok(Box::new(stream));
        }
        #[cfg(feature = "onion")]
        if let Some(tor) = &self.tor {
            // Over Tor a first stream waits for arti to bootstrap and for
            // the rendezvous: the caller's whole bound applies, not 20 s.
            let stream = tor.connect(host, port).await.map_err(|e| unreachable(&e))?;
            return Ok(Box::new(stream));
        }
        let stream = tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect((host, port)))
            .await
            .map_err(|_| SnapshotRefusal::Unreachable("no connection within 20 s".into()))?
            .map_err(|e| unreachable(&e))?;
        Ok(Box::new(stream))
    }

    /// Whether the origin is reached over Tor (an onion, or through a
    /// proxy, which is tor's SocksPort as a rule), where a new stream may
    /// need a circuit or a rendezvous first.
    pub(crate) fn over_tor(&self) -> bool {
        self.origin.is_onion() || self.proxy.is_some()
    }

    /// The target and `Host` header of a request for the origin's `path`.
    pub(crate) fn target(&self, path: &str) -> (String, String) {
        (format!("{}{path}", self.origin.prefix), self.origin.host_header())
    }

    /// One GET over a connected stream, as [`Client::request`] says.
    async fn exchange<Io>(
        &self,
        stream: Io,
        path: &str,
        headers: &[(HeaderName, String)],
        out: &mut (dyn Write + Send),
        max: u64,
    ) -> Result<Answer, SnapshotRefusal>
    where
        Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
    {
        let unreachable = |e: &dyn fmt::Display| SnapshotRefusal::Unreachable(e.to_string());
        let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| unreachable(&e))?;
        let driving = tokio::spawn(conn);
        let (target, host) = self.target(path);
        let mut req = Request::get(target)
            .header(header::HOST, host)
            .header(header::USER_AGENT, "undersign-mirror")
            .body(Empty::<Bytes>::new())
            .map_err(|e| unreachable(&e))?;
        for (name, value) in headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                req.headers_mut().insert(name.clone(), v);
            }
        }
        let result = async {
            let resp = sender.send_request(req).await.map_err(|e| unreachable(&e))?;
            let etag =
                resp.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let mut answer = Answer { status: resp.status(), etag, written: 0 };
            if answer.status != StatusCode::OK {
                return Ok(answer);
            }
            let length =
                resp.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
            if length.is_some_and(|l| l > max) {
                return Err(SnapshotRefusal::TooLarge { max });
            }
            let mut body = resp.into_body();
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| unreachable(&e))?;
                let Ok(data) = frame.into_data() else { continue };
                answer.written += data.len() as u64;
                if answer.written > max {
                    return Err(SnapshotRefusal::TooLarge { max });
                }
                // A chunk to the page cache: short enough for a runtime thread.
                out.write_all(&data).map_err(|e| unreachable(&e))?;
            }
            Ok(answer)
        }
        .await;
        driving.abort();
        result
    }
}

/// Writes `out` from `pieces`: each held one copied from `held`, each
/// fetched one taken in turn from `parts`; never more than `max` bytes
/// (`FileTooLarge` past it). Blocks.
fn assemble(held: &File, parts: &Path, pieces: &[Piece], out: &Path, max: u64) -> std::io::Result<()> {
    let total = pieces.iter().fold(0u64, |sum, p| match *p {
        Piece::Held { len, .. } | Piece::Fetch { len, .. } => sum.saturating_add(len),
    });
    if total > max {
        return Err(std::io::ErrorKind::FileTooLarge.into());
    }
    let parts = File::open(parts)?;
    let mut out = std::io::BufWriter::with_capacity(COPY, File::create(out)?);
    let mut buf = vec![0; COPY];
    let mut parts_at = 0;
    let mut copy = |from: &File, mut offset: u64, mut len: u64, out: &mut dyn Write| {
        while len > 0 {
            let n = usize::try_from(len).map_or(COPY, |l| l.min(COPY));
            from.read_exact_at(&mut buf[..n], offset)?;
            out.write_all(&buf[..n])?;
            (offset, len) = (offset + n as u64, len - n as u64);
        }
        std::io::Result::Ok(())
    };
    for piece in pieces {
        match *piece {
            Piece::Held { offset, len } => copy(held, offset, len, &mut out)?,
            Piece::Fetch { len, .. } => {
                copy(&parts, parts_at, len, &mut out)?;
                parts_at += len;
            }
        }
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

/// Bytes copied at a time.
const COPY: usize = 256 * 1024;

/// What one request brought.
struct Answer {
    status: StatusCode,
    /// Its `ETag`, or "".
    etag: String,
    /// The body's bytes, written out.
    written: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_plain_http_urls() {
        let o: Origin = "http://127.0.0.1:8080".parse().unwrap();
        assert_eq!((o.host.as_str(), o.port, o.prefix.as_str()), ("127.0.0.1", 8080, ""));
        assert_eq!(o.to_string(), "http://127.0.0.1:8080");
        let o: Origin = "http://Example.org/letters/one/".parse().unwrap();
        assert_eq!((o.host.as_str(), o.port, o.prefix.as_str()), ("example.org", 80, "/letters/one"));
        assert_eq!(o.url("/"), "http://example.org/letters/one/");
        let o: Origin = "http://[::1]:81".parse().unwrap();
        assert_eq!((o.host.as_str(), o.port), ("::1", 81));
        assert_eq!(o.to_string(), "http://[::1]:81");
        assert!("http://abcdefghijklmnop.onion".parse::<Origin>().unwrap().is_onion());
        assert!(matches!("https://example.org".parse::<Origin>(), Err(OriginError::NotHttp(_))));
        for bad in ["http://", "http://host:x", "http://user@host", "http://host:0", "http://h/p?q"] {
            assert!(matches!(bad.parse::<Origin>(), Err(OriginError::Malformed(_))), "{bad}");
        }
    }

    #[test]
    fn a_held_chunk_claimed_at_another_length_is_refused() {
        let chunk = |offset, len, b| Chunk { offset, len, sha256: crate::snapshot::Digest([b; 32]) };
        let held = Chunks { seq: 1, chunks: vec![chunk(0, 100, 1), chunk(100, 5000, 2)] };
        let honest =
            Chunks { seq: 2, chunks: vec![chunk(0, 5000, 2), chunk(5000, 7, 3), chunk(5007, 100, 1)] };
        assert_eq!(
            plan(&held, &honest).unwrap(),
            [
                Piece::Held { offset: 100, len: 5000 },
                Piece::Fetch { offset: 5000, len: 7 },
                Piece::Held { offset: 0, len: 100 }
            ]
        );
        let lying = Chunks { seq: 2, chunks: (0..3000).map(|i| chunk(i, 1, 2)).collect() };
        assert!(matches!(plan(&held, &lying), Err(SnapshotRefusal::Malformed(_))));
    }

    #[test]
    fn a_file_is_never_built_past_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let held_path = dir.path().join("held");
        std::fs::write(&held_path, vec![b'x'; 1000]).unwrap();
        std::fs::write(dir.path().join("parts"), b"").unwrap();
        let held = File::open(&held_path).unwrap();
        let pieces = vec![Piece::Held { offset: 0, len: 1000 }; 30];
        let out = dir.path().join("out");
        let e = assemble(&held, &dir.path().join("parts"), &pieces, &out, 29_999).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge);
        assert!(!out.exists());
        assemble(&held, &dir.path().join("parts"), &pieces, &out, 30_000).unwrap();
        assert_eq!(std::fs::metadata(&out).unwrap().len(), 30_000);
    }

    #[cfg(not(feature = "onion"))]
    #[test]
    fn an_onion_origin_is_refused_naming_the_feature() {
        let onion: Origin = "http://abcdefghijklmnop.onion".parse().unwrap();
        let refused = Client::new(onion, 1, &crate::config::Config::new("data".into())).err().unwrap();
        assert!(refused.contains("`onion` feature"), "{refused}");
        assert!(refused.contains("--origin-proxy socks5h://127.0.0.1:9050"), "{refused}");
    }

    #[test]
    fn an_onion_origin_through_a_proxy_needs_no_arti() {
        let onion: Origin = "http://abcdefghijklmnop.onion".parse().unwrap();
        let mut config = crate::config::Config::new("data".into());
        config.origin_proxy = Some(Socks5h::tor());
        let client = Client::new(onion, 1, &config).unwrap();
        assert!(client.over_tor());
        #[cfg(feature = "onion")]
        assert!(client.tor.is_none(), "the proxy, not arti");
    }
}
