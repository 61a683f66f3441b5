//! The broker's default `brokerIP1` / `brokerIP2` and `brokerName`, chosen as Java's broker chooses them.
//!
//! Java (5.3.3 `NetworkUtil.getLocalInetAddress`) walks the network interfaces that are up and neither
//! bridges, virtual nor point-to-point, drops loopback addresses, and picks:
//! 1. the first IPv4 address outside 10/8, 172.16/12, 192.168/16 and 127/8 (`UtilAll.isInternalIP`);
//! 2. else the **last** IPv4 address found;
//! 3. else the first IPv6 address that is not wildcard, link-local, loopback or site-local;
//! 4. else the first IPv6 address;
//! 5. else the host's own address (`InetAddress.getLocalHost()`).
//!
//! IPv6 results are written in brackets (`[fd00::2]`), as `NetworkUtil.normalizeHostAddress` does.
//! (4.9.8's `RemotingUtil.getLocalAddress` differs only in the details of step 1; Thruster announces
//! 5.3.3 and follows it.)
//!
//! Without `getifaddrs` (no `unsafe` outside the store), the addresses come from the kernel's tables on
//! Linux: IPv4 from the `LOCAL` host entries of `/proc/net/fib_trie`, IPv6 from `/proc/net/if_inet6` (whose
//! flags tell which interfaces are bridges, via `/sys/class/net/<if>/bridge`). The preference order above
//! is applied unchanged; only the interface order can differ from Java's. Elsewhere, or when nothing is
//! found, the address a UDP socket would use towards a public address is taken (no packet is sent), then
//! `127.0.0.1`. Operators normally set `brokerIP1` explicitly, as with Java.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, UdpSocket};

/// The default `brokerIP1`/`brokerIP2`.
pub fn local_address() -> String {
    let (v4, v6) = kernel_addresses();
    choose(&v4, &v6).unwrap_or_else(|| normalize(routed_address().unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))))
}

/// Java's `localHostName()`: the host name, or `DEFAULT_BROKER` when it is unknown.
pub fn local_host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_owned())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "DEFAULT_BROKER".to_owned())
}

/// Steps 1–4 of the module docs over candidate addresses in interface order (loopback already dropped
/// or dropped here).
pub fn choose(v4: &[Ipv4Addr], v6: &[Ipv6Addr]) -> Option<String> {
    let v4: Vec<Ipv4Addr> = v4.iter().copied().filter(|ip| !ip.is_loopback()).collect();
    let v6: Vec<Ipv6Addr> = v6.iter().copied().filter(|ip| !ip.is_loopback()).collect();
    if let Some(last) = v4.last() {
        let external = v4.iter().find(|ip| !is_internal_v4(**ip));
        return Some(external.unwrap_or(last).to_string());
    }
    let first = v6.first()?;
    let external = v6.iter().find(|ip| !is_internal_v6(**ip));
    Some(normalize(IpAddr::V6(*external.unwrap_or(first))))
}

/// `UtilAll.isInternalIP`: 10/8, 127/8, 172.16/12, 192.168/16.
fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    a == 10 || a == 127 || (a == 172 && (16..=31).contains(&b)) || (a == 192 && b == 168)
}

/// `UtilAll.isInternalV6IP`: wildcard, link-local (fe80::/10), loopback, site-local (fec0::/10).
fn is_internal_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_unspecified() || ip.is_loopback() || (first & 0xffc0) == 0xfe80 || (first & 0xffc0) == 0xfec0
}

fn normalize(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

fn kernel_addresses() -> (Vec<Ipv4Addr>, Vec<Ipv6Addr>) {
    let v4 = std::fs::read_to_string("/proc/net/fib_trie").map(|t| parse_fib_trie(&t)).unwrap_or_default();
    let v6 = std::fs::read_to_string("/proc/net/if_inet6")
        .map(|t| parse_if_inet6(&t, |name| std::path::Path::new(&format!("/sys/class/net/{name}/bridge")).exists()))
        .unwrap_or_default();
    (v4, v6)
}

/// The addresses of `/32 host LOCAL` entries in the `Local:` table of `/proc/net/fib_trie`, deduplicated, in
/// table order.
fn parse_fib_trie(text: &str) -> Vec<Ipv4Addr> {
    let mut out = Vec::new();
    let mut in_local = false;
    let mut last_ip: Option<Ipv4Addr> = None;
    for line in text.lines() {
        if !line.starts_with(' ') {
            in_local = line.trim_end() == "Local:";
            continue;
        }
        if !in_local {
            continue;
        }
        let trimmed = line.trim();
        if let Some(ip) = trimmed.strip_prefix("|-- ") {
            last_ip = ip.trim().parse().ok();
        } else if trimmed.starts_with("/32 host LOCAL") {
            if let Some(ip) = last_ip.take() {
                if !out.contains(&ip) {
                    out.push(ip);
                }
            }
        }
    }
    out
}

/// `/proc/net/if_inet6` lines: `address(32 hex) ifindex prefixlen scope flags name`; bridges are skipped.
fn parse_if_inet6(text: &str, is_bridge: impl Fn(&str) -> bool) -> Vec<Ipv6Addr> {
    let mut out = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (Some(hex), Some(name)) = (fields.first(), fields.last()) else { continue };
        if hex.len() != 32 || is_bridge(name) {
            continue;
        }
        if let Ok(bits) = u128::from_str_radix(hex, 16) {
            out.push(Ipv6Addr::from(bits));
        }
    }
    out
}

/// The source address the kernel would pick for traffic to a public address (connect on UDP sends nothing).
fn routed_address() -> Option<IpAddr> {
    let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("8.8.8.8:53").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified()).then_some(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn prefers_external_ipv4_then_last_ipv4() {
        assert_eq!(choose(&[v4("127.0.0.1"), v4("10.0.0.5"), v4("203.0.113.7")], &[]), Some("203.0.113.7".into()));
        assert_eq!(choose(&[v4("10.0.0.5"), v4("192.168.1.2"), v4("127.0.0.1")], &[]), Some("192.168.1.2".into()));
        assert_eq!(choose(&[v4("172.16.0.1"), v4("172.32.0.1")], &[]), Some("172.32.0.1".into()));
    }

    #[test]
    fn falls_back_to_ipv6_in_brackets() {
        let link_local: Ipv6Addr = "fe80::1".parse().unwrap();
        let global: Ipv6Addr = "2001:db8::2".parse().unwrap();
        assert_eq!(choose(&[v4("127.0.0.1")], &[link_local, global]), Some("[2001:db8::2]".into()));
        assert_eq!(choose(&[], &[link_local]), Some("[fe80::1]".into()));
        assert_eq!(choose(&[], &[Ipv6Addr::LOCALHOST]), None);
    }

    #[test]
    fn reads_kernel_tables() {
        let trie =
            "Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 192.0.2.2\n        /32 host LOCAL\nLocal:\n  +-- 0.0.0.0/0 3 0 5\n\
                    \x20    |-- 127.0.0.1\n        /32 host LOCAL\n     |-- 192.0.2.0\n        /24 link UNICAST\n\
                    \x20    |-- 192.0.2.2\n        /32 host LOCAL\n     |-- 192.0.2.255\n        /32 link BROADCAST\n";
        assert_eq!(parse_fib_trie(trie), vec![v4("127.0.0.1"), v4("192.0.2.2")]);
        let inet6 = "00000000000000000000000000000001 01 80 10 80       lo\n\
                     fd000000000000000000000000000002 04 40 00 82     eth0\n\
                     20010db8000000000000000000000009 05 40 00 80     br0\n";
        let got = parse_if_inet6(inet6, |name| name == "br0");
        assert_eq!(got, vec![Ipv6Addr::LOCALHOST, "fd00::2".parse().unwrap()]);
    }

    #[test]
    fn local_address_is_an_address() {
        let addr = local_address();
        let bare = addr.trim_start_matches('[').trim_end_matches(']');
        assert!(bare.parse::<IpAddr>().is_ok(), "{addr}");
        assert!(!local_host_name().is_empty());
    }
}
