//! Where deliveries may go. Unless the server runs with `--allow-private-targets`, an attempt
//! connects only to public addresses: the address is checked when the connection is made (the
//! HTTP client's resolver drops every non-public address a name resolves to, so a name that
//! resolves differently later — DNS rebinding — gains nothing), and an IP literal in the URL is
//! checked before sending. Redirects are never followed. A refused attempt records only that it
//! was refused: no status, no timing, the same words whatever listens there.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// What a refused attempt records.
pub(crate) const REFUSED: &str =
    "refused: the target is not a public address (the server allows those only with --allow-private-targets)";

/// The error a refused connection fails with.
#[derive(Debug)]
pub(crate) struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REFUSED)
    }
}

impl std::error::Error for Refused {}

/// The HTTP client deliveries are sent with: no redirects, no proxy from the environment, and
/// unless `allow_private`, only public addresses.
pub(crate) fn client(allow_private: bool) -> reqwest::Result<reqwest::Client> {
    let builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .user_agent(concat!("hookwise-server/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy();
    if allow_private { builder } else { builder.dns_resolver(PublicOnly) }.build()
}

/// Whether `url` may be POSTed to as far as its text tells: an IP literal must be public when
/// `allow_private` is off (names are checked as they resolve, by [`PublicOnly`]: the connector does not resolve
/// a literal).
pub(crate) fn check_url(url: &reqwest::Url, allow_private: bool) -> Result<(), Refused> {
    // The URL parser has normalized any IPv4 form (`0x7f.1`, `2130706433`) to dotted decimal.
    let host = url.host_str().unwrap_or_default();
    let literal = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>();
    if allow_private || literal.ok().is_none_or(is_public) {
        Ok(())
    } else {
        Err(Refused)
    }
}

/// Whether `e` (or one of its causes) is a refusal.
pub(crate) fn is_refusal(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<Refused>() {
            return true;
        }
        cause = c.source();
    }
    false
}

/// A resolver that answers only the public addresses of a name, and fails with [`Refused`] when
/// there is none.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(Box::new(Refused) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// Whether `ip` is a public unicast address: not loopback, private, shared (CGNAT), link-local
/// (cloud metadata at 169.254.169.254), unique-local, multicast, documentation, benchmarking or
/// reserved, nor an IPv6 form of one (mapped, compatible, NAT64, 6to4, Teredo).
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    const BLOCKED: [(u32, u32); 16] = [
        (0x0000_0000, 8),  // 0.0.0.0/8 "this network"
        (0x0A00_0000, 8),  // 10.0.0.0/8 private
        (0x6440_0000, 10), // 100.64.0.0/10 shared (CGNAT)
        (0x7F00_0000, 8),  // 127.0.0.0/8 loopback
        (0xA9FE_0000, 16), // 169.254.0.0/16 link-local, cloud metadata
        (0xAC10_0000, 12), // 172.16.0.0/12 private
        (0xC000_0000, 24), // 192.0.0.0/24 IETF protocol assignments
        (0xC000_0200, 24), // 192.0.2.0/24 documentation
        (0xC058_6300, 24), // 192.88.99.0/24 6to4 relay anycast
        (0xC0A8_0000, 16), // 192.168.0.0/16 private
        (0xC612_0000, 15), // 198.18.0.0/15 benchmarking
        (0xC633_6400, 24), // 198.51.100.0/24 documentation
        (0xCB00_7100, 24), // 203.0.113.0/24 documentation
        (0xE000_0000, 4),  // 224.0.0.0/4 multicast
        (0xF000_0000, 4),  // 240.0.0.0/4 reserved, broadcast
        (0xFFFF_FFFF, 32), // 255.255.255.255 broadcast
    ];
    let bits = u32::from(ip);
    !BLOCKED.iter().any(|&(net, len)| bits >> (32 - len) == net >> (32 - len))
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let embedded_v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    match s {
        // ::ffff:a.b.c.d (mapped), 64:ff9b::a.b.c.d (NAT64) and 2002:a.b.c.d::/48 (6to4) reach that
        // IPv4 address.
        [0, 0, 0, 0, 0, 0xffff, hi, lo] | [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] | [0x2002, hi, lo, ..] => {
            is_public_v4(embedded_v4(hi, lo))
        }
        // ::/96 (unspecified, loopback, IPv4-compatible), 64:ff9b:1::/48 (local NAT64), 100::/64
        // (discard), 2001::/32 (Teredo), 2001:db8::/32 (documentation).
        [0, 0, 0, 0, 0, 0, _, _] | [0x64, 0xff9b, 1, ..] | [0x100, 0, 0, 0, ..] | [0x2001, 0 | 0xdb8, ..] => false,
        // fc00::/7 unique-local, fe80::/10 link-local, fec0::/10 site-local, ff00::/8 multicast.
        [first, ..] => {
            first & 0xfe00 != 0xfc00 && first & 0xffc0 != 0xfe80 && first & 0xffc0 != 0xfec0 && first >> 8 != 0xff
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

    use super::*;

    #[test]
    fn only_public_unicast_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "127.255.0.9",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "192.0.2.1",
            "198.18.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "2001::1",
            "100::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private} is not public");
        }
        for public in
            ["1.1.1.1", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"]
        {
            assert!(is_public(public.parse().unwrap()), "{public} is public");
        }
    }

    #[test]
    fn ip_literals_in_urls_are_checked_and_names_are_left_to_the_resolver() {
        for url in [
            "http://127.0.0.1:8080/x",
            "http://[::1]/",
            "http://0x7f.1/",
            "http://169.254.169.254/latest",
            "http://2130706433/",
        ] {
            let url = reqwest::Url::parse(url).unwrap();
            assert!(check_url(&url, false).is_err(), "{url} is refused");
            assert!(check_url(&url, true).is_ok(), "{url} is allowed with --allow-private-targets");
        }
        assert!(check_url(&reqwest::Url::parse("http://localhost:1/").unwrap(), false).is_ok());
        assert!(check_url(&reqwest::Url::parse("https://8.8.8.8/").unwrap(), false).is_ok());
    }

    #[tokio::test]
    async fn the_resolver_refuses_names_with_only_private_addresses() {
        let refused = PublicOnly.resolve("localhost".parse().unwrap()).await.err().unwrap();
        assert!(is_refusal(refused.as_ref()), "{refused}");
    }
}
