//! The `proof_proxy` setting: how the proof checker reaches an
//! organisation's website — through a SOCKS5 proxy that resolves the host
//! name itself (tor's SocksPort, a [`Socks5h`]), or, only when the
//! operator says so, directly.

use crate::socks::Socks5h;
use serde::{de::Error as _, Deserialize, Deserializer};

/// The way to an organisation's website.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProofProxy {
    /// Straight to the website (`"direct"`): the site then sees this
    /// server's address.
    Direct,
    /// Through a SOCKS5 proxy (`"socks5h://HOST:PORT"`) that is given the
    /// host name, so that nothing is resolved here.
    Socks5h(Socks5h),
}

impl ProofProxy {
    /// tor's own SocksPort on this machine.
    pub fn tor() -> ProofProxy {
        ProofProxy::Socks5h(Socks5h::tor())
    }

    /// `direct` or `socks5h://HOST:PORT`; nothing else (a `socks5://`
    /// proxy would have the name resolved here, in the open).
    pub fn parse(s: &str) -> Result<ProofProxy, String> {
        if s == "direct" {
            return Ok(ProofProxy::Direct);
        }
        Socks5h::parse(s)
            .map(ProofProxy::Socks5h)
            .map_err(|_| format!("`{s}` is neither \"direct\" nor socks5h://HOST:PORT"))
    }
}

impl std::fmt::Display for ProofProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProofProxy::Direct => f.write_str("direct"),
            ProofProxy::Socks5h(proxy) => proxy.fmt(f),
        }
    }
}

impl<'de> Deserialize<'de> for ProofProxy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ProofProxy, D::Error> {
        ProofProxy::parse(&String::deserialize(d)?).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_is_socks5h_or_direct() {
        assert_eq!(ProofProxy::parse("direct"), Ok(ProofProxy::Direct));
        assert_eq!(ProofProxy::parse("socks5h://127.0.0.1:9050"), Ok(ProofProxy::tor()));
        assert_eq!(
            ProofProxy::parse("socks5h://[::1]:9150"),
            Ok(ProofProxy::Socks5h(Socks5h { host: "::1".into(), port: 9150 }))
        );
        for refused in
            ["socks5://127.0.0.1:9050", "http://127.0.0.1:8118", "socks5h://host", "socks5h://:1", ""]
        {
            assert!(ProofProxy::parse(refused).is_err(), "{refused}");
        }
        assert_eq!(ProofProxy::tor().to_string(), "socks5h://127.0.0.1:9050");
    }
}
