package intel

import (
	"strings"
	"unicode/utf8"
)

// messagingServices maps the prefixes people write to the canonical service
// name in a MessagingAccount key ("line:somchai.inv").
var messagingServices = map[string]string{
	"line": "line", "lineid": "line", "line id": "line",
	"telegram": "telegram", "tg": "telegram",
	"facebook": "facebook", "fb": "facebook",
	"whatsapp": "whatsapp", "wa": "whatsapp",
	"wechat": "wechat",
}

// messagingPrefix returns the service a "service:handle" input names.
func messagingPrefix(s string) (service, handle string, ok bool) {
	name, rest, found := strings.Cut(s, ":")
	if !found {
		return "", "", false
	}
	service, ok = messagingServices[strings.ToLower(strings.TrimSpace(name))]
	return service, strings.TrimSpace(rest), ok
}

// NormalizeMessaging reads a chat account as "service:handle" (LINE,
// Telegram, Facebook, WhatsApp, WeChat). Handles are lower-cased, since the
// services treat them case-insensitively, and a leading '@' is dropped.
func NormalizeMessaging(input string) (Identifier, error) {
	id := newIdentifier(input, KindMessagingAccount)
	if !utf8.ValidString(input) {
		return id.fail("not valid UTF-8 text")
	}
	if err := checkSize(input, "messaging account"); err != nil {
		return id.fail("%s", err)
	}
	service, handle, ok := messagingPrefix(strings.TrimSpace(input))
	if !ok {
		return id.fail("a messaging account is written service:handle, e.g. line:somchai.inv (services: line, telegram, facebook, whatsapp, wechat)")
	}
	handle = strings.ToLower(strings.TrimPrefix(handle, "@"))
	if handle == "" {
		return id.fail("the %s handle is empty", service)
	}
	for i, r := range handle {
		if r <= ' ' || r == ':' || r == '/' || r == '@' || r == 0x7f {
			return id.fail("character %q at position %d is not allowed in a %s handle", r, i+1, service)
		}
	}
	if len(handle) > 128 {
		return id.fail("the %s handle is %d bytes long, at most 128 allowed", service, len(handle))
	}
	id.Valid = true
	id.Key = service + ":" + handle
	id.setAttr("service", service)
	return id, nil
}
