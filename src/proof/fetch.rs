//! One fetch of an organisation's proof file: `https://DOMAIN/.well-known/undersign.txt`
//! over HTTP/1.1 and TLS (rustls, the certificate checked against the
//! system's roots and `proof_ca_file`), through a SOCKS5 proxy given the
//! host name (or directly, when the operator says so). At most
//! [`MAX_FILE`] bytes are read and the whole fetch, redirects included,
//! takes at most [`TIME_LIMIT`]; a redirect is followed only to the same
//! host, at most [`MAX_REDIRECTS`] times. The request carries nothing but
//! the path and the host: no visitor is behind it.

use crate::config::ProofProxy;
use crate::domain::{ProofProblem, Website};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::rustls::{self, pki_types::ServerName};
use tokio_rustls::TlsConnector;

/// The most of a proof file read; a larger one is refused.
pub const MAX_FILE: usize = 64 * 1024;
/// The longest a fetch takes, every connection and redirect included.
pub const TIME_LIMIT: Duration = Duration::from_secs(10);
/// Redirects to the same host followed, at most.
pub const MAX_REDIRECTS: usize = 3;
/// Where the file is on every website.
pub const PATH: &str = "/.well-known/undersign.txt";

/// How the proof files are reached: the proxy and the TLS client.
#[derive(Clone)]
pub struct Fetcher {
    proxy: ProofProxy,
    tls: TlsConnector,
    /// arti in this process (`serve --onion`), used instead of `proxy`.
    #[cfg(feature = "onion")]
    tor: Option<Arc<crate::onion::Dialer>>,
}

/// Anything that carries bytes both ways: a TCP stream, a SOCKS stream.
trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

impl Fetcher {
    /// A fetcher through `proxy`, trusting `roots`.
    pub fn new(proxy: ProofProxy, roots: rustls::RootCertStore) -> Result<Fetcher, rustls::Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Fetcher {
            proxy,
            tls: TlsConnector::from(Arc::new(tls)),
            #[cfg(feature = "onion")]
            tor: None,
        })
    }

    /// The same fetcher over the process's own arti instead of the proxy.
    #[cfg(feature = "onion")]
    pub fn through_arti(self, dialer: crate::onion::Dialer) -> Fetcher {
        Fetcher { tor: Some(Arc::new(dialer)), ..self }
    }

    /// Whether the proxy takes connections (`None`: no proxy is used), to
    /// tell the operator when every website is unreachable because of it.
    pub async fn proxy_answers(&self) -> Option<bool> {
        #[cfg(feature = "onion")]
        if self.tor.is_some() {
            return None;
        }
        match &self.proxy {
            ProofProxy::Direct => None,
            ProofProxy::Socks5h(proxy) => Some(proxy.answers(TIME_LIMIT).await),
        }
    }

    /// The proxy, as the operator configured it.
    pub fn proxy(&self) -> &ProofProxy {
        &self.proxy
    }

    /// The proof file of `domain`, at most [`MAX_FILE`] bytes, or why not.
    pub async fn fetch(&self, domain: &Website) -> Result<Bytes, ProofProblem> {
        tokio::time::timeout(TIME_LIMIT, self.follow(domain)).await.unwrap_or(Err(ProofProblem::Unreachable))
    }

    async fn follow(&self, domain: &Website) -> Result<Bytes, ProofProblem> {
        let mut path = PATH.to_string();
        for _ in 0..=MAX_REDIRECTS {
            match self.get(domain, &path).await? {
                Answer::File(body) => return Ok(body),
                Answer::Redirect(to) => path = same_host(domain, &to).ok_or(ProofProblem::Redirect)?,
            }
        }
        Err(ProofProblem::Redirect)
    }

    async fn connect(&self, host: &str) -> Result<Box<dyn Stream>, ProofProblem> {
        #[cfg(feature = "onion")]
        if let Some(tor) = &self.tor {
            return Ok(Box::new(tor.connect(host, 443).await.map_err(|_| ProofProblem::Unreachable)?));
        }
        Ok(match &self.proxy {
            ProofProxy::Direct => Box::new(connect_public(host).await?),
            ProofProxy::Socks5h(proxy) => {
                Box::new(proxy.connect(host, 443).await.map_err(|_| ProofProblem::Unreachable)?)
            }
        })
    }

    /// One GET of `path` on `domain`.
    async fn get(&self, domain: &Website, path: &str) -> Result<Answer, ProofProblem> {
        let tcp = self.connect(domain.as_str()).await?;
        let name =
            ServerName::try_from(domain.as_str().to_string()).map_err(|_| ProofProblem::Unreachable)?;
        let tls = self.tls.connect(name, tcp).await.map_err(|e| {
            let certificate = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                .is_some_and(|e| matches!(e, rustls::Error::InvalidCertificate(_)));
            if certificate {
                ProofProblem::Certificate
            } else {
                ProofProblem::Unreachable
            }
        })?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(|_| ProofProblem::Unreachable)?;
        let connection = tokio::spawn(connection);
        let request = Request::get(path)
            .header(hyper::header::HOST, domain.as_str())
            .header(hyper::header::CONNECTION, "close")
            .body(Empty::<Bytes>::new())
            .map_err(|_| ProofProblem::Unreachable)?;
        let answer = sender.send_request(request).await.map_err(|_| ProofProblem::Unreachable);
        let answer = match answer {
            Ok(response) => read(response).await,
            Err(e) => Err(e),
        };
        connection.abort();
        answer
    }
}

/// A direct connection to `host`, on one of its public addresses only: a
/// name that resolves to this machine or its network (by mistake, or to
/// reach what only the server can) is not connected to.
async fn connect_public(host: &str) -> Result<TcpStream, ProofProblem> {
    let addresses = tokio::net::lookup_host((host, 443)).await.map_err(|_| ProofProblem::Unreachable)?;
    for address in addresses.filter(|a| is_public(a.ip())) {
        if let Ok(stream) = TcpStream::connect(address).await {
            return Ok(stream);
        }
    }
    Err(ProofProblem::Unreachable)
}

/// Whether `ip` is an address of the public internet: not loopback,
/// private, link-local, shared (CGNAT), documentation, multicast or
/// unspecified, nor an IPv4 address in IPv6 clothing that is one of those.
fn is_public(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80
                    || first == 0x2001 && v6.segments()[1] == 0x0db8
                    || first == 0x0064 && v6.segments()[1] == 0xff9b)
            }
        },
    }
}

/// What one request brought.
enum Answer {
    File(Bytes),
    Redirect(String),
}

async fn read(response: hyper::Response<hyper::body::Incoming>) -> Result<Answer, ProofProblem> {
    let status = response.status();
    if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
        let to = response.headers().get(hyper::header::LOCATION).and_then(|l| l.to_str().ok());
        return to.map(|t| Answer::Redirect(t.to_string())).ok_or(ProofProblem::Redirect);
    }
    if status != StatusCode::OK {
        return Err(ProofProblem::NoFile(status.as_u16()));
    }
    let mut body = response.into_body();
    let mut file = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| ProofProblem::Unreachable)?;
        if let Some(data) = frame.data_ref() {
            if file.len() + data.len() > MAX_FILE {
                return Err(ProofProblem::TooLarge);
            }
            file.extend_from_slice(data);
        }
    }
    Ok(Answer::File(file.into()))
}

/// The path of a redirect's target if it is on `domain` (a path, or an
/// `https://` address of the same host, on port 443); `None` otherwise.
fn same_host(domain: &Website, location: &str) -> Option<String> {
    if location.starts_with('/') && !location.starts_with("//") {
        return Some(location.to_string());
    }
    let rest = location.strip_prefix("https://").or_else(|| location.strip_prefix("HTTPS://"))?;
    let (authority, path) = rest.find('/').map_or((rest, "/"), |at| (&rest[..at], &rest[at..]));
    let host = authority.strip_suffix(":443").unwrap_or(authority);
    host.eq_ignore_ascii_case(domain.as_str()).then(|| path.to_string())
}

/// Whether `file` holds `line` as one of its lines (white space around it
/// ignored): the file may hold lines for other letters.
pub fn holds(file: &[u8], line: &str) -> bool {
    file.split(|b| *b == b'\n').any(|l| std::str::from_utf8(l).is_ok_and(|l| l.trim() == line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_found_whole_anywhere_in_the_file() {
        let line = "undersign-proof abc";
        assert!(holds(b"undersign-proof abc", line));
        assert!(holds(b"# letters\r\nundersign-proof xyz\r\n  undersign-proof abc  \r\n", line));
        assert!(!holds(b"undersign-proof abcd\n", line));
        assert!(!holds(b"x undersign-proof abc\n", line));
        assert!(!holds(b"", line));
    }

    #[test]
    fn a_direct_connection_goes_to_public_addresses_only() {
        for ip in ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "1.1.1.1"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn a_name_of_this_machine_is_not_connected_to_directly() {
        assert_eq!(connect_public("localhost").await.err(), Some(ProofProblem::Unreachable));
    }

    #[test]
    fn only_redirects_to_the_same_host_are_followed() {
        let d: Website = "example.org".parse().unwrap();
        assert_eq!(same_host(&d, "/other.txt").as_deref(), Some("/other.txt"));
        assert_eq!(same_host(&d, "https://EXAMPLE.org/a").as_deref(), Some("/a"));
        assert_eq!(same_host(&d, "https://example.org:443/a").as_deref(), Some("/a"));
        assert_eq!(same_host(&d, "https://example.org").as_deref(), Some("/"));
        for off in [
            "//evil.example/a",
            "https://evil.example/a",
            "https://example.org.evil.example/",
            "https://example.org:8443/a",
            "http://example.org/a",
            "https://user@example.org/",
            "other.txt",
        ] {
            assert_eq!(same_host(&d, off), None, "{off}");
        }
    }
}
