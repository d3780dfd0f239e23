package intel

import "testing"

func TestDisplay(t *testing.T) {
	for _, c := range []struct {
		e    Entity
		want string
	}{
		{Entity{Kind: KindPhoneNumber, Key: "+66925550142"}, "+66 92 555 0142"},
		{Entity{Kind: KindPhoneNumber, Key: "+85512345678"}, "+855 12 345 678"},
		{Entity{Kind: KindBankAccount, Key: "TH:004:1234567890"}, "KBANK (Kasikornbank) 1234567890"},
		{Entity{Kind: KindBankAccount, Key: "KH:HUIONE:00918273"}, "HUIONE (Huione Pay) 00918273"},
		{Entity{Kind: KindBankAccount, Key: "TH:999:1234567890"}, "999 1234567890"},
		{Entity{Kind: KindSuspect, Key: "TH-CCIB:W-1", Label: "สมชาย ใจดี"}, "สมชาย ใจดี"},
		{Entity{Kind: KindIPAddress, Key: "175.100.37.18"}, "175.100.37.18"},
	} {
		if got := Display(c.e); got != c.want {
			t.Errorf("Display(%s %s) = %q, want %q", c.e.Kind, c.e.Key, got, c.want)
		}
	}
}
