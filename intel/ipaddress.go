package intel

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// NormalizeIP reads one IP address and returns its canonical text as the key:
// dotted decimal for IPv4, RFC 5952 for IPv6 (which is what netip prints),
// and an IPv4-mapped IPv6 address as the IPv4 address it carries, so that a
// registration log and a firewall log name the same node. A port written
// with the address ("1.2.3.4:5060", "[2001:db8::1]:5060") is dropped from the
// key and kept in Attrs["port"]. Zoned addresses are rejected (a zone only
// means something on one machine), and so are IPv4 octets with a leading
// zero, which some software reads as octal and some as decimal.
func NormalizeIP(input string) (Identifier, error) {
	id := newIdentifier(input, KindIPAddress)
	if err := checkSize(input, "IP address"); err != nil {
		return id.fail("%s", err)
	}
	host, port, err := splitHostPort(foldDigits(strings.TrimSpace(input)))
	if err != nil {
		return id.fail("%s", err)
	}
	addr, err := parseAddr(host)
	if err != nil {
		return id.fail("%s", err)
	}
	id.Valid = true
	id.Key = addr.String()
	version := "6"
	if addr.Is4() {
		version = "4"
	}
	id.setAttr("version", version)
	id.setAttr("scope", addrScope(addr))
	if port != "" {
		id.setAttr("port", port)
	}
	return id, nil
}

// splitHostPort separates an optional port: "[v6]:port", "[v6]", "v4:port".
// A bare IPv6 address has several colons and no brackets, so it has no port.
func splitHostPort(s string) (host, port string, err error) {
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", errors.New("unclosed '[' around an IPv6 address")
		}
		host, rest := s[1:end], s[end+1:]
		if rest == "" {
			return host, "", nil
		}
		if !strings.HasPrefix(rest, ":") {
			return "", "", fmt.Errorf("unexpected %q after the bracketed address", rest)
		}
		port, err := parsePort(rest[1:])
		return host, port, err
	case strings.Count(s, ":") == 1:
		host, p, _ := strings.Cut(s, ":")
		port, err := parsePort(p)
		return host, port, err
	}
	return s, "", nil
}

// parsePort accepts a decimal port 0-65535 and returns it without leading zeros.
func parsePort(p string) (string, error) {
	n, err := strconv.ParseUint(p, 10, 16)
	if err != nil || strings.HasPrefix(p, "+") {
		return "", fmt.Errorf("port %q is not a number from 0 to 65535", p)
	}
	return strconv.FormatUint(n, 10), nil
}

// parseAddr parses one address, with the house rules netip leaves to callers.
func parseAddr(host string) (netip.Addr, error) {
	if host == "" {
		return netip.Addr{}, errors.New("no address before the port")
	}
	if strings.Contains(host, "/") {
		return netip.Addr{}, fmt.Errorf("%s is a network (address/prefix), not one address", host)
	}
	if i := strings.IndexByte(host, '%'); i >= 0 {
		return netip.Addr{}, fmt.Errorf("zoned address: the zone %q only means something on one machine; give the address without it", host[i:])
	}
	if !strings.Contains(host, ":") {
		if err := checkIPv4(host); err != nil {
			return netip.Addr{}, err
		}
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("not an IP address: %s", netipReason(err))
	}
	return addr.Unmap(), nil
}

// checkIPv4 explains what is wrong with a dotted-quad text, one octet at a time.
func checkIPv4(host string) error {
	parts := strings.Split(host, ".")
	if len(parts) != 4 {
		return fmt.Errorf("not an IP address: an IPv4 address has 4 dot-separated parts, %q has %d", host, len(parts))
	}
	for _, p := range parts {
		switch {
		case p == "":
			return fmt.Errorf("not an IP address: empty octet in %q", host)
		case strings.Trim(p, "0123456789") != "":
			return fmt.Errorf("not an IP address: octet %q is not a decimal number", p)
		case len(p) > 1 && p[0] == '0':
			return fmt.Errorf("octet %q has a leading zero, which some software reads as octal: write %s without it", p, strings.TrimLeft(p, "0"))
		}
		if n, err := strconv.Atoi(p); err != nil || n > 255 {
			return fmt.Errorf("not an IP address: octet %s is larger than 255", p)
		}
	}
	return nil
}

// netipReason keeps the explanation netip gives and drops the echo of the input.
func netipReason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, "): "); i >= 0 {
		return msg[i+3:]
	}
	return msg
}

// Address ranges netip has no predicate for.
var (
	sharedRange4  = netip.MustParsePrefix("100.64.0.0/10") // RFC 6598 carrier-grade NAT
	benchRange4   = netip.MustParsePrefix("198.18.0.0/15") // RFC 2544 benchmarking
	reservedRange = netip.MustParsePrefix("240.0.0.0/4")   // RFC 1112 reserved, and broadcast
	docRanges     = []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"), // RFC 5737
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("2001:db8::/32"), // RFC 3849
	}
)

// addrScope says where an address can be reached from, which tells an
// investigator whether it can be traced to a subscriber at all: a private or
// carrier-grade NAT address needs the operator's NAT logs, a documentation
// address is a sign of a made-up record.
func addrScope(a netip.Addr) string {
	switch {
	case a.IsUnspecified():
		return "unspecified"
	case a.IsLoopback():
		return "loopback"
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		return "link-local"
	case a.IsMulticast():
		return "multicast"
	case a.IsPrivate():
		return "private"
	case sharedRange4.Contains(a):
		return "cgnat"
	case benchRange4.Contains(a):
		return "benchmarking"
	case reservedRange.Contains(a):
		return "reserved"
	}
	for _, p := range docRanges {
		if p.Contains(a) {
			return "documentation"
		}
	}
	if a.IsGlobalUnicast() {
		return "public"
	}
	return "reserved"
}

// looksLikeIP is DetectKind's test: the text reads as an address, with or
// without a port, or is a dotted quad of 1-3 digit groups (so that a
// leading-zero or out-of-range octet gets an IP reason, not a phone one).
func looksLikeIP(s string) bool {
	host := foldDigits(s)
	switch {
	case strings.HasPrefix(host, "["):
		host, _, _ = strings.Cut(host[1:], "]")
	case strings.Count(host, ":") == 1:
		host, _, _ = strings.Cut(host, ":")
	}
	if i := strings.IndexByte(host, '%'); i >= 0 {
		host = host[:i]
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	parts := strings.Split(host, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if len(p) < 1 || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}
