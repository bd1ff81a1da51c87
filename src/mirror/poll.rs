//! Fetching the origin's snapshot: plain HTTP/1.1 with hyper's client, one
//! connection per poll, `If-None-Match` with the trusted `ETag` so that an
//! unchanged snapshot costs one short 304. The body is streamed to a file
//! under a size cap, never whole in memory, then its signature beside it.
//! An onion origin is reached over Tor with the arti client of the `onion`
//! feature ([`crate::onion::Dialer`]); a build without it refuses one at
//! start. What is fetched is only a candidate: the signature, not the
//! transport, decides (see [`super::trust`]).

use super::trust::Refusal;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::header::{self, HeaderValue};
use hyper::{Request, StatusCode};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OriginError {
    /// Not `http://…` (this client speaks no TLS).
    NotHttp(String),
    /// No host, or a port that is not a number.
    Malformed(String),
}

impl fmt::Display for OriginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OriginError::NotHttp(url) => write!(
                f,
                "--origin `{url}`: only http:// origins can be polled (the signature, not TLS, is what a mirror trusts; put a plain-HTTP address of the origin or of another mirror)"
            ),
            OriginError::Malformed(url) => write!(f, "--origin `{url}` is not http://HOST[:PORT][/PATH]"),
        }
    }
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
}

/// What a poll brought.
#[derive(Debug)]
pub enum Fetched {
    /// The origin still has the trusted snapshot (304).
    NotModified,
    /// A snapshot and its signature, in these files, and the bytes fetched.
    New {
        /// The snapshot.
        json: PathBuf,
        /// Its bytes on the wire (the body's length).
        bytes: u64,
    },
}

/// The transport to the origin: TCP, or for an onion origin, Tor.
pub struct Client {
    origin: Origin,
    max_bytes: u64,
    #[cfg(feature = "onion")]
    tor: Option<crate::onion::Dialer>,
}

/// Why an onion origin cannot be mirrored by this build.
#[cfg(not(feature = "onion"))]
pub fn onion_unsupported(origin: &Origin) -> String {
    format!(
        "--origin {origin} is an onion service: polling it needs undersign built with the `onion` feature (arti), which this build does not have; mirror it through a plain-HTTP address (of the origin or of another mirror) meanwhile"
    )
}

impl Client {
    /// A client of `origin` that reads at most `max_bytes` of a snapshot;
    /// for an onion origin, with an arti client whose files are under
    /// `config`'s data dir. Must run inside the tokio runtime.
    pub fn new(origin: Origin, max_bytes: u64, config: &crate::config::Config) -> Result<Client, String> {
        #[cfg(feature = "onion")]
        {
            let tor = match origin.is_onion() {
                true => Some(crate::onion::dialer(config).map_err(|e| e.to_string())?),
                false => None,
            };
            Ok(Client { origin, max_bytes, tor })
        }
        #[cfg(not(feature = "onion"))]
        {
            let _ = config;
            if origin.is_onion() {
                return Err(onion_unsupported(&origin));
            }
            Ok(Client { origin, max_bytes })
        }
    }

    /// Fetches `/snapshot.json` into `dir/incoming.json` (unless the origin
    /// answers 304 to `etag`) and its signature into
    /// `dir/incoming.json.minisig`. Both must carry the same `ETag`: a
    /// snapshot signed between the two requests is fetched again, once.
    pub async fn fetch(&self, etag: Option<&str>, dir: &Path) -> Result<Fetched, Refusal> {
        let json = dir.join("incoming.json");
        let sig = crate::snapshot::signature_path(&json);
        let work = async {
            for _ in 0..2 {
                let got = self.get("/snapshot.json", etag, &json, self.max_bytes).await?;
                let Some((snapshot_etag, bytes)) = got else { return Ok(Fetched::NotModified) };
                let Some((sig_etag, _)) =
                    self.get("/snapshot.json.minisig", None, &sig, MAX_SIGNATURE).await?
                else {
                    return Err(Refusal::Unreachable("the signature was answered with 304".into()));
                };
                // Ours are the number (`"N"`); another host's (a static
                // one's) say nothing about which snapshot: the signature decides.
                let numbered = |t: &str| {
                    t.strip_prefix('"')
                        .and_then(|t| t.strip_suffix('"'))
                        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                };
                if sig_etag == snapshot_etag || !numbered(&sig_etag) || !numbered(&snapshot_etag) {
                    return Ok(Fetched::New { json: json.clone(), bytes });
                }
            }
            Err(Refusal::Unreachable("the snapshot changed while it was fetched, twice".into()))
        };
        match tokio::time::timeout(FETCH_TIMEOUT, work).await {
            Ok(r) => r,
            Err(_) => {
                Err(Refusal::Unreachable(format!("no whole answer within {} s", FETCH_TIMEOUT.as_secs())))
            }
        }
    }

    /// GETs `path` into `out`, at most `max` bytes; `None` on a 304, else
    /// the answer's `ETag` (or "") and the body's length.
    async fn get(
        &self,
        path: &str,
        etag: Option<&str>,
        out: &Path,
        max: u64,
    ) -> Result<Option<(String, u64)>, Refusal> {
        let unreachable = |e: &dyn fmt::Display| Refusal::Unreachable(e.to_string());
        let (host, port) = (self.origin.host.as_str(), self.origin.port);
        #[cfg(feature = "onion")]
        if let Some(tor) = &self.tor {
            // Over Tor a first stream waits for arti to bootstrap and for
            // the rendezvous: the whole fetch's bound applies, not 20 s.
            let stream = tor.connect(host, port).await.map_err(|e| unreachable(&e))?;
            return self.exchange(stream, path, etag, out, max).await;
        }
        let stream = tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect((host, port)))
            .await
            .map_err(|_| Refusal::Unreachable("no connection within 20 s".into()))?
            .map_err(|e| unreachable(&e))?;
        self.exchange(stream, path, etag, out, max).await
    }

    /// One GET over a connected stream, as [`Client::get`] says.
    async fn exchange<Io>(
        &self,
        stream: Io,
        path: &str,
        etag: Option<&str>,
        out: &Path,
        max: u64,
    ) -> Result<Option<(String, u64)>, Refusal>
    where
        Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
    {
        let unreachable = |e: &dyn fmt::Display| Refusal::Unreachable(e.to_string());
        let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| unreachable(&e))?;
        let driving = tokio::spawn(conn);
        let host = if self.origin.port == 80 {
            self.origin.host.clone()
        } else {
            format!("{}:{}", self.origin.host, self.origin.port)
        };
        let mut req = Request::get(format!("{}{path}", self.origin.prefix))
            .header(header::HOST, host)
            .header(header::USER_AGENT, "undersign-mirror")
            .body(Empty::<Bytes>::new())
            .map_err(|e| unreachable(&e))?;
        if let Some(v) = etag.and_then(|t| HeaderValue::from_str(t).ok()) {
            req.headers_mut().insert(header::IF_NONE_MATCH, v);
        }
        let result = async {
            let resp = sender.send_request(req).await.map_err(|e| unreachable(&e))?;
            match resp.status() {
                StatusCode::NOT_MODIFIED => return Ok(None),
                StatusCode::OK => {}
                s => return Err(Refusal::Unreachable(format!("{path} was answered with {s}"))),
            }
            let length =
                resp.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
            if length.is_some_and(|l| l > max) {
                return Err(Refusal::TooLarge { max });
            }
            let tag = resp.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let mut file = std::fs::File::create(out).map_err(|e| unreachable(&e))?;
            let mut body = resp.into_body();
            let mut written = 0u64;
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| unreachable(&e))?;
                let Ok(data) = frame.into_data() else { continue };
                written += data.len() as u64;
                if written > max {
                    return Err(Refusal::TooLarge { max });
                }
                // A chunk to the page cache: short enough for a runtime thread.
                file.write_all(&data).map_err(|e| unreachable(&e))?;
            }
            file.sync_all().map_err(|e| unreachable(&e))?;
            Ok(Some((tag, written)))
        }
        .await;
        driving.abort();
        result
    }
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

    #[cfg(not(feature = "onion"))]
    #[test]
    fn an_onion_origin_is_refused_naming_the_feature() {
        let onion: Origin = "http://abcdefghijklmnop.onion".parse().unwrap();
        let refused = Client::new(onion, 1, &crate::config::Config::new("data".into())).err().unwrap();
        assert!(refused.contains("`onion` feature"), "{refused}");
    }
}
