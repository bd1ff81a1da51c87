//! The one way out through a SOCKS5 proxy: a `socks5h://HOST:PORT` address
//! (the tor daemon's SocksPort, typically) and the connection through it,
//! the destination given to the proxy as a host *name*, so that nothing is
//! resolved on this machine (a lookup of an onion name fails anyway; one of
//! a website's name would tell the resolver what the server reaches). The
//! proof checker ([`crate::proof`]) and a mirror's or replica's link to its
//! origin ([`crate::mirror::poll`]) both dial through [`Socks5h::connect`].

use serde::{de::Error as _, Deserialize, Deserializer};
use tokio::net::TcpStream;
use tokio_socks::tcp::Socks5Stream;

/// A SOCKS5 proxy that is given host names: `socks5h://HOST:PORT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Socks5h {
    /// The proxy's host (an address or a name), as given.
    pub host: String,
    /// Its port.
    pub port: u16,
}

/// Why a connection through the proxy was not made.
#[derive(Debug, thiserror::Error)]
#[error("through the proxy {proxy}: {source}")]
pub struct SocksError {
    /// The proxy, as configured.
    proxy: String,
    /// What the proxy, or the way to it, said.
    #[source]
    source: tokio_socks::Error,
}

impl Socks5h {
    /// The tor daemon's SocksPort on this machine.
    pub fn tor() -> Socks5h {
        Socks5h { host: "127.0.0.1".into(), port: 9050 }
    }

    /// `socks5h://HOST:PORT` (`[ADDRESS]` for IPv6), a trailing `/`
    /// allowed; nothing else (a `socks5://` proxy would have the name
    /// resolved here, in the open).
    pub fn parse(s: &str) -> Result<Socks5h, String> {
        let refused = || format!("`{s}` is not socks5h://HOST:PORT");
        let rest = s.strip_prefix("socks5h://").ok_or_else(refused)?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let (host, port) = rest.rsplit_once(':').ok_or_else(refused)?;
        let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
        let port: u16 = port.parse().map_err(|_| refused())?;
        if host.is_empty() || port == 0 || host.contains(['/', '@', ' ']) {
            return Err(refused());
        }
        Ok(Socks5h { host: host.to_string(), port })
    }

    /// A stream to `host`:`port` through the proxy, the name handed to it
    /// unresolved. Unbounded in time: over Tor a new stream may wait for a
    /// circuit or a rendezvous, so the caller bounds the whole exchange.
    pub async fn connect(&self, host: &str, port: u16) -> Result<Socks5Stream<TcpStream>, SocksError> {
        Socks5Stream::connect((self.host.as_str(), self.port), (host, port))
            .await
            .map_err(|source| SocksError { proxy: self.to_string(), source })
    }

    /// Whether the proxy takes TCP connections at all (within `bound`).
    pub async fn answers(&self, bound: std::time::Duration) -> bool {
        let connect = TcpStream::connect((self.host.as_str(), self.port));
        matches!(tokio::time::timeout(bound, connect).await, Ok(Ok(_)))
    }
}

impl std::fmt::Display for Socks5h {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.host.contains(':') {
            true => write!(f, "socks5h://[{}]:{}", self.host, self.port),
            false => write!(f, "socks5h://{}:{}", self.host, self.port),
        }
    }
}

impl<'de> Deserialize<'de> for Socks5h {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Socks5h, D::Error> {
        Socks5h::parse(&String::deserialize(d)?).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_is_socks5h_host_and_port() {
        assert_eq!(Socks5h::parse("socks5h://127.0.0.1:9050"), Ok(Socks5h::tor()));
        assert_eq!(Socks5h::parse("socks5h://127.0.0.1:9050/"), Ok(Socks5h::tor()));
        let v6 = Socks5h::parse("socks5h://[::1]:9150").unwrap();
        assert_eq!(v6, Socks5h { host: "::1".into(), port: 9150 });
        assert_eq!(v6.to_string(), "socks5h://[::1]:9150");
        for refused in [
            "socks5://127.0.0.1:9050",
            "http://127.0.0.1:8118",
            "socks5h://host",
            "socks5h://:1",
            "socks5h://host:0",
            "socks5h://u@host:1",
            "direct",
            "",
        ] {
            assert!(Socks5h::parse(refused).is_err(), "{refused}");
        }
        assert_eq!(Socks5h::tor().to_string(), "socks5h://127.0.0.1:9050");
    }

    #[tokio::test]
    async fn a_proxy_that_is_not_there_is_named_in_the_refusal() {
        // Port 1 (tcpmux) is served by nothing here, as in the proofs' test.
        let proxy = Socks5h { host: "127.0.0.1".into(), port: 1 };
        let refused = proxy.connect("example.onion", 80).await.err().unwrap().to_string();
        assert!(refused.starts_with(&format!("through the proxy {proxy}: ")), "{refused}");
        assert!(!proxy.answers(std::time::Duration::from_secs(5)).await);
    }
}
