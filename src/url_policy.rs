//! Which JWKS URLs may be fetched: http(s) only, and IP-literal hosts
//! checked against `jwks_reject_ip_ranges` (CIDRs and `local`) and
//! `block_local_jwks`, with the service's codes and messages. Host names
//! are not resolved here (edge runtimes cannot); see the README.

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

    /// The service's check of an IP-literal host (a host name passes).
    pub fn check_host(&self, host: &str) -> Result<(), ConfigError> {
        let Some(ip) = parse_host_ip(host) else {
            return Ok(());
        };
        if self.reject_ipv6 && ip.is_ipv6() {
            return Err(
                ConfigError::option("jwks_uri", "IPv6 support not enabled for JWKS URI")
                    .with_code("PSYNC_S2202"),
            );
        }
        let blocked = self
            .ranges
            .iter()
            .any(|(net, bits)| in_cidr(ip, *net, *bits))
            || (self.reject_local && !is_unicast(ip));
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

/// The parts of a JWKS URL that policy needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwksUrl {
    pub url: String,
    pub host: String,
}

/// Parses and checks a `jwks_uri` (or a redirect target, resolved against `base`).
///
/// ```
/// use powersync_jwt::url_policy::{check_jwks_uri, IpPolicy};
/// let local = IpPolicy::new(&["local".into()], false).unwrap();
/// assert!(check_jwks_uri("https://example.com/jwks.json", &local).is_ok());
/// assert_eq!(check_jwks_uri("https://127.0.0.1/jwks.json", &local).unwrap_err().code, "PSYNC_S2203");
/// assert_eq!(check_jwks_uri("ftp://example.com/jwks.json", &local).unwrap_err().code, "PSYNC_S3103");
/// ```
pub fn check_jwks_uri(uri: &str, policy: &IpPolicy) -> Result<JwksUrl, ConfigError> {
    let invalid = || {
        ConfigError::option("jwks_uri", format!("Invalid jwks_uri: {uri}")).with_code("PSYNC_S3102")
    };
    let (scheme, rest) = uri.split_once("://").ok_or_else(invalid)?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return Err(invalid());
    }
    if scheme != "http" && scheme != "https" {
        return Err(ConfigError::option(
            "jwks_uri",
            format!("Only http(s) is supported for jwks_uri, got: {uri}"),
        )
        .with_code("PSYNC_S3103"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        let end = v6.find(']').ok_or_else(invalid)?;
        format!("[{}]", v6.get(..end).unwrap_or_default())
    } else {
        host_port
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid());
    }
    policy.check_host(&host)?;
    Ok(JwksUrl {
        url: uri.to_string(),
        host,
    })
}

/// An IP literal host as a WHATWG URL parser reads it: `[v6]`, or IPv4 in
/// one to four dot-separated decimal, octal (`0` prefix) or hex (`0x`) parts.
pub fn parse_host_ip(host: &str) -> Option<IpAddr> {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    if let Ok(v6) = host.parse::<Ipv6Addr>() {
        return Some(IpAddr::V6(v6));
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    let parts: Vec<&str> = host.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut nums = Vec::with_capacity(parts.len());
    for p in &parts {
        let n = if let Some(h) = p.strip_prefix("0x").or_else(|| p.strip_prefix("0X")) {
            if h.is_empty() {
                Some(0)
            } else {
                u64::from_str_radix(h, 16).ok()
            }
        } else if p.len() > 1 && p.starts_with('0') {
            u64::from_str_radix(p.get(1..).unwrap_or_default(), 8).ok()
        } else if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
            p.parse().ok()
        } else {
            None
        };
        nums.push(n?);
    }
    let (last, init) = nums.split_last()?;
    if init.iter().any(|&n| n > 255)
        || *last >= 256u64.pow(u32::try_from(5 - nums.len()).unwrap_or(4))
    {
        return None;
    }
    let mut v: u64 = *last;
    for (i, n) in init.iter().enumerate() {
        v += n << (8 * (3 - i));
    }
    u32::try_from(v).ok().map(|v| IpAddr::V4(Ipv4Addr::from(v)))
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
        // ipaddr.js matches an IPv4-mapped IPv6 address only against IPv6 ranges.
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
