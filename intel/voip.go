package intel

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// sipUserChars are the characters RFC 3261 allows, unescaped, in the user
// part of a SIP URI, besides letters and digits.
const sipUserChars = "-_.!~*'()&=+$,;?/%"

// NormalizeSIP reads a VoIP account and returns "sip:user@host" as its key,
// lower-cased as the design asks, so that an account copied from a provider
// portal, a SIP header and a registration log lands on one node. It accepts
// sip:, sips: (the same account over TLS, recorded in Attrs["secure"]), the
// <...> form of a SIP header and a bare user@host; it drops a password, URI
// parameters (;transport=udp, kept in Attrs["transport"]) and headers (?...),
// and the default ports 5060 and 5061. The host is the provider and is kept
// in Attrs["provider"].
func NormalizeSIP(input string) (Identifier, error) {
	id := newIdentifier(input, KindVoipAccount)
	if err := checkSize(input, "SIP URI"); err != nil {
		return id.fail("%s", err)
	}
	s := strings.TrimSpace(input)
	if strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">") {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return id.fail("spaces and control characters are not allowed in a SIP URI (found %q)", r)
		}
	}
	lower := strings.ToLower(s)
	secure, schemed := false, true
	switch {
	case strings.HasPrefix(lower, "sips:"):
		secure, lower = true, lower[len("sips:"):]
	case strings.HasPrefix(lower, "sip:"):
		lower = lower[len("sip:"):]
	case strings.HasPrefix(lower, "tel:"):
		return id.fail("a tel: URI is a phone number, not a VoIP account")
	default:
		schemed = false
	}
	lower = strings.TrimPrefix(lower, "//")
	userinfo, hostpart, ok := strings.Cut(lower, "@")
	if !ok {
		return id.fail("no user part: a VoIP account is written sip:user@provider")
	}
	if scheme, _, found := strings.Cut(userinfo, ":"); found && !schemed {
		return id.fail("not a SIP URI: %q is not the sip: or sips: scheme", scheme+":")
	}
	user, _, _ := strings.Cut(userinfo, ":") // a password is no part of the account
	if err := checkSIPUser(user); err != nil {
		return id.fail("%s", err)
	}
	hostport, params := hostpart, ""
	if i := strings.IndexAny(hostpart, ";?"); i >= 0 {
		hostport, params = hostpart[:i], hostpart[i:]
	}
	host, port, err := splitSIPHost(hostport)
	if err != nil {
		return id.fail("%s", err)
	}
	id.Valid = true
	id.Key = "sip:" + user + "@" + host
	if port != "" && port != "5060" && !(secure && port == "5061") {
		id.Key += ":" + port
	}
	id.setAttr("provider", strings.Trim(host, "[]"))
	if secure {
		id.setAttr("secure", "true")
	}
	if t := sipParam(params, "transport"); t != "" {
		id.setAttr("transport", t)
	}
	return id, nil
}

// checkSIPUser rejects an empty user part and characters a SIP URI cannot hold.
func checkSIPUser(user string) error {
	if user == "" {
		return errors.New("empty user part: a VoIP account is written sip:user@provider")
	}
	for i := 0; i < len(user); i++ {
		c := user[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', strings.IndexByte(sipUserChars, c) >= 0:
		case c >= 0x80:
			return fmt.Errorf("user part %q has non-ASCII characters; a SIP URI carries them %%-escaped", user)
		default:
			return fmt.Errorf("user part %q has a character a SIP URI cannot hold: %q", user, c)
		}
		if c == '%' && (i+2 >= len(user) || !isHex(user[i+1]) || !isHex(user[i+2])) {
			return fmt.Errorf("user part %q has a %% that does not start a %%XX escape", user)
		}
	}
	return nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// splitSIPHost reads the host (a domain, an IPv4 address or a bracketed IPv6
// address) and an optional port, and returns the host in canonical form.
func splitSIPHost(hp string) (host, port string, err error) {
	if hp == "" {
		return "", "", errors.New("empty host: a VoIP account is written sip:user@provider")
	}
	if strings.HasPrefix(hp, "[") {
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return "", "", errors.New("unclosed '[' around an IPv6 host")
		}
		host, rest := hp[1:end], hp[end+1:]
		addr, err := netip.ParseAddr(host)
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return "", "", fmt.Errorf("bad host: [%s] is not an IPv6 address", host)
		}
		if rest != "" {
			if port, err = sipPort(strings.TrimPrefix(rest, ":"), rest); err != nil {
				return "", "", err
			}
		}
		if addr.Is4In6() {
			return addr.Unmap().String(), port, nil
		}
		return "[" + addr.String() + "]", port, nil
	}
	host, p, hasPort := strings.Cut(hp, ":")
	if hasPort {
		if port, err = sipPort(p, ":"+p); err != nil {
			return "", "", err
		}
	}
	host = strings.TrimSuffix(host, ".")
	if err := checkIPv4(host); err == nil {
		return netip.MustParseAddr(host).String(), port, nil
	}
	if err := checkDomain(host); err != nil {
		return "", "", err
	}
	return host, port, nil
}

// sipPort accepts a port 1-65535 and returns it without leading zeros.
func sipPort(p, written string) (string, error) {
	n, err := strconv.ParseUint(p, 10, 16)
	if err != nil || n == 0 || strings.HasPrefix(p, "+") {
		return "", fmt.Errorf("bad port %q after the host", written)
	}
	return strconv.FormatUint(n, 10), nil
}

// checkDomain accepts a host name of letter-digit-hyphen labels (RFC 1123).
// An internationalised domain must come in its xn-- form: turning Unicode
// into it needs IDNA tables this package does not carry.
func checkDomain(host string) error {
	if len(host) > 253 {
		return fmt.Errorf("bad host: %d characters, a domain name has at most 253", len(host))
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return fmt.Errorf("bad host %q: every dot-separated label needs 1 to 63 characters", host)
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("bad host %q: a label cannot start or end with '-'", host)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-':
			case c >= 0x80:
				return fmt.Errorf("bad host %q: write an internationalised domain in its xn-- form", host)
			default:
				return fmt.Errorf("bad host %q: %q cannot appear in a domain name", host, c)
			}
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return fmt.Errorf("bad host %q: neither a domain name nor an IPv4 address", host)
	}
	return nil
}

// sipParam returns the value of one ;name=value URI parameter, or "".
func sipParam(params, name string) string {
	params, _, _ = strings.Cut(params, "?")
	for _, p := range strings.Split(params, ";") {
		if k, v, ok := strings.Cut(p, "="); ok && k == name {
			return v
		}
	}
	return ""
}
