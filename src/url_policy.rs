//! Which JWKS URLs may be fetched: http(s) only, and IP-literal hosts
//! checked against `jwks_reject_ip_ranges` (CIDRs and `local`) and
//! `block_local_jwks`, with the service's codes and messages. Host names
//! are not resolved here (edge runtimes cannot); see the README.
//!
//! A URL is read by a WHATWG URL parser, never split by hand: the policy
//! decides on the host that parser reads, and the parser's serialisation is
//! what gets fetched ([`JwksUrl`]).

use crate::error::ConfigError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// IP restrictions for JWKS URLs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpPolicy {
    /// `local`: refuse loopback, private, link-local and other reserved ranges.
    pub reject_local: bool,
    /// Refuse IPv6 literals (`block_local_jwks`).
    pub reject_ipv6: bool,
    /// Explicit CIDR ranges to refuse.
    pub ranges: Vec<(IpAddr, u8)>,
}

impl IpPolicy {
    /// From `jwks_reject_ip_ranges` entries (`local` or CIDRs) and `block_local_jwks`.
    pub fn new(ranges: &[String], block_local: bool) -> Result<IpPolicy, ConfigError> {
        let mut p = IpPolicy {
            reject_local: block_local,
            reject_ipv6: block_local,
            ranges: Vec::new(),
        };
        for r in ranges {
            if r == "local" {
                p.reject_local = true;
                continue;
            }
            let cidr = parse_cidr(r).ok_or_else(|| {
                ConfigError::option(
                    "jwks_reject_ip_ranges",
                    format!("{r:?} is neither \"local\" nor a CIDR range"),
                )
            })?;
            p.ranges.push(cidr);
        }
        Ok(p)
    }

    /// The service's check of a parsed URL's host: an IP-literal host
    /// against the ranges (a host name passes; it is not resolved).
    pub fn check(&self, url: &JwksUrl) -> Result<(), ConfigError> {
        let Some(ip) = parse_host_ip(&url.hostname) else {
            return Ok(());
        };
        if self.reject_ipv6 && ip.is_ipv6() {
            return Err(
                ConfigError::option("jwks_uri", "IPv6 support not enabled for JWKS URI")
                    .with_code("PSYNC_S2202"),
            );
        }
        // An IPv4-mapped IPv6 address reaches the IPv4 host: IPv4 ranges apply to it too.
        let mapped = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4),
            IpAddr::V4(_) => None,
        };
        let blocked = self.ranges.iter().any(|(net, bits)| {
            in_cidr(ip, *net, *bits) || mapped.is_some_and(|m| in_cidr(m, *net, *bits))
        }) || (self.reject_local && !is_unicast(ip));
        if blocked {
            return Err(ConfigError::option(
                "jwks_uri",
                format!("IPs in this range are not supported: {ip}"),
            )
            .with_code("PSYNC_S2203"));
        }
        Ok(())
    }
}

/// An http(s) URL as a WHATWG URL parser reads it (the parser `fetch` uses,
/// and the PowerSync Service's `new URL(uri)`). It can only be made by that
/// parse, so the host the policy checks is the host of the text fetched:
/// [`JwksUrl::href`] is the parser's serialisation, and fetching it again
/// reads the same host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwksUrl {
    href: String,
    hostname: String,
}

impl JwksUrl {
    /// Parses `text` (PSYNC_S3102 when it is not a URL, PSYNC_S3103 when
    /// the scheme is not http or https).
    ///
    /// ```
    /// use powersync_jwt::url_policy::JwksUrl;
    /// let u = JwksUrl::parse("HTTPS://B\u{00FC}cher.Example\\jwks").unwrap();
    /// assert_eq!(u.href(), "https://xn--bcher-kva.example/jwks");
    /// assert_eq!(u.hostname(), "xn--bcher-kva.example");
    /// assert_eq!(JwksUrl::parse("http://%31%32%37.0.0.1/").unwrap().hostname(), "127.0.0.1");
    /// ```
    pub fn parse(text: &str) -> Result<JwksUrl, ConfigError> {
        let parsed = whatwg::parse(text).ok_or_else(|| {
            ConfigError::option("jwks_uri", format!("Invalid jwks_uri: {text}"))
                .with_code("PSYNC_S3102")
        })?;
        if parsed.scheme != "http" && parsed.scheme != "https" {
            return Err(ConfigError::option(
                "jwks_uri",
                format!("Only http(s) is supported for jwks_uri, got: {text}"),
            )
            .with_code("PSYNC_S3103"));
        }
        Ok(JwksUrl {
            href: parsed.href,
            hostname: parsed.hostname,
        })
    }

    /// The serialised URL: what is fetched.
    pub fn href(&self) -> &str {
        &self.href
    }

    /// The host as the parser reads it: dotted-decimal IPv4, bracketed
    /// compressed IPv6, or a lower-case ASCII (punycode) domain.
    pub fn hostname(&self) -> &str {
        &self.hostname
    }

    pub fn into_href(self) -> String {
        self.href
    }
}

/// Parses and checks a `jwks_uri` (or a redirect target, already resolved).
///
/// ```
/// use powersync_jwt::url_policy::{check_jwks_uri, IpPolicy};
/// let local = IpPolicy::new(&["local".into()], false).unwrap();
/// assert!(check_jwks_uri("https://example.com/jwks.json", &local).is_ok());
/// assert_eq!(check_jwks_uri("https://127.0.0.1/jwks.json", &local).unwrap_err().code, "PSYNC_S2203");
/// assert_eq!(check_jwks_uri("https://\u{FF11}\u{FF12}\u{FF17}.0.0.1/", &local).unwrap_err().code, "PSYNC_S2203");
/// assert_eq!(check_jwks_uri("ftp://example.com/jwks.json", &local).unwrap_err().code, "PSYNC_S3103");
/// ```
pub fn check_jwks_uri(uri: &str, policy: &IpPolicy) -> Result<JwksUrl, ConfigError> {
    let url = JwksUrl::parse(uri)?;
    policy.check(&url)?;
    Ok(url)
}

/// The IP address of a parsed URL's hostname, if it is one: `[v6]` or
/// dotted-decimal IPv4 (the parser has already read every other IPv4 form,
/// such as `0x7f.1`, `2130706433` or full-width digits, into this one).
pub fn parse_host_ip(hostname: &str) -> Option<IpAddr> {
    match hostname.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<Ipv6Addr>().ok().map(IpAddr::V6),
        None => hostname.parse::<Ipv4Addr>().ok().map(IpAddr::V4),
    }
}

/// The WHATWG URL parser: the JavaScript runtime's own `URL` in the wasm
/// build (the one `fetch` applies), the `url` crate (a WHATWG URL Standard
/// implementation with UTS #46 IDNA) in native builds and tests.
mod whatwg {
    pub(super) struct Parsed {
        /// Lower case, without the trailing `:`.
        pub scheme: String,
        pub href: String,
        pub hostname: String,
    }

    #[cfg(target_arch = "wasm32")]
    pub(super) fn parse(text: &str) -> Option<Parsed> {
        let (protocol, href, hostname) = crate::bindings::url::parse(text)?;
        Some(Parsed {
            scheme: protocol.strip_suffix(':').unwrap_or(&protocol).to_string(),
            href,
            hostname,
        })
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn parse(text: &str) -> Option<Parsed> {
        let u = url::Url::parse(text).ok()?;
        Some(Parsed {
            scheme: u.scheme().to_string(),
            hostname: u.host_str().unwrap_or_default().to_string(),
            href: u.into(),
        })
    }
}

fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (addr, bits) = s.split_once('/')?;
    let ip: IpAddr = addr.parse().ok()?;
    let bits: u8 = bits.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((ip, bits))
}

fn in_cidr(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(bits))
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(bits))
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        // IPv4 against IPv6 ranges and back (see `check` for IPv4-mapped addresses).
        _ => false,
    }
}

/// ipaddr.js's `range() == 'unicast'`: not in any special-purpose range.
fn is_unicast(ip: IpAddr) -> bool {
    const V4: &[(&str, u8)] = &[
        ("0.0.0.0", 8),
        ("255.255.255.255", 32),
        ("224.0.0.0", 4),
        ("169.254.0.0", 16),
        ("127.0.0.0", 8),
        ("100.64.0.0", 10),
        ("10.0.0.0", 8),
        ("172.16.0.0", 12),
        ("192.168.0.0", 16),
        ("192.0.0.0", 24),
        ("192.0.2.0", 24),
        ("192.88.99.0", 24),
        ("198.18.0.0", 15),
        ("198.51.100.0", 24),
        ("203.0.113.0", 24),
        ("240.0.0.0", 4),
        ("192.175.48.0", 24),
        ("192.31.196.0", 24),
        ("192.52.193.0", 24),
    ];
    const V6: &[(&str, u8)] = &[
        ("::", 128),
        ("fe80::", 10),
        ("ff00::", 8),
        ("::1", 128),
        ("fc00::", 7),
        ("::ffff:0:0", 96),
        ("100::", 64),
        ("::ffff:0:0:0", 96),
        ("64:ff9b::", 96),
        ("2002::", 16),
        ("2001::", 32),
        ("2001:2::", 48),
        ("2001:3::", 32),
        ("2001:4:112::", 48),
        ("2620:4f:8000::", 48),
        ("2001:10::", 28),
        ("2001:20::", 28),
        ("2001:30::", 28),
        ("2001::", 23),
        ("2001:db8::", 32),
    ];
    let table = if ip.is_ipv4() { V4 } else { V6 };
    !table
        .iter()
        .any(|(net, bits)| net.parse().is_ok_and(|n| in_cidr(ip, n, *bits)))
}
