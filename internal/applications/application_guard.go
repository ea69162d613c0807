package applications

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/ratelimit"
)

// Two ways to show a submission comes from a person's browser, neither
// needing a third-party service:
//
//   - API clients fetch a challenge (GET /api/v1/public/challenge) and find a
//     nonce such that sha256(challenge + nonce) starts with Difficulty zero
//     bits — cheap once, expensive in bulk.
//   - The HTML form, which must work without JavaScript, carries a signed
//     timestamp token: refused if it comes back too fast (a script) or too
//     late, and usable once. No cookie is involved, so a third-party page
//     cannot submit on a visitor's behalf with their session (CSRF-safe).
//
// Both are signed with the server key and remembered as used in the
// database, so a solved challenge cannot be replayed on another replica.

// Challenge is a proof-of-work puzzle for an API client.
type Challenge struct {
	Challenge  string    `json:"challenge"`
	Difficulty int       `json:"difficulty"`
	ExpiresAt  time.Time `json:"expires_at"`
}

func (s *Service) sign(kind string, payload []byte) string {
	m := hmac.New(sha256.New, s.Settings.SigningKey)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write(payload)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// signedToken is base64(expiry unix seconds | 12 random bytes) + "." + MAC.
func (s *Service) signedToken(kind string, t time.Time) (string, error) {
	payload := make([]byte, 20)
	binary.BigEndian.PutUint64(payload, uint64(t.Unix()))
	if _, err := rand.Read(payload[8:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(payload) + "." + s.sign(kind, payload), nil
}

// openToken checks the MAC and returns the embedded time.
func (s *Service) openToken(kind, token string) (time.Time, bool) {
	body, mac, ok := strings.Cut(token, ".")
	if !ok || len(token) > 200 {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || len(payload) != 20 {
		return time.Time{}, false
	}
	if !hmac.Equal([]byte(mac), []byte(s.sign(kind, payload))) {
		return time.Time{}, false
	}
	return time.Unix(int64(binary.BigEndian.Uint64(payload)), 0).UTC(), true
}

// NewChallenge issues a proof-of-work challenge.
func (s *Service) NewChallenge() (Challenge, error) {
	exp := s.Cases.Now().Add(s.Settings.ChallengeTTL).Truncate(time.Second)
	tok, err := s.signedToken("pow", exp)
	if err != nil {
		return Challenge{}, err
	}
	return Challenge{Challenge: tok, Difficulty: s.Settings.PowDifficulty, ExpiresAt: exp}, nil
}

// LeadingZeroBits counts the leading zero bits of sha256(challenge + nonce).
func LeadingZeroBits(challenge, nonce string) int {
	sum := sha256.Sum256([]byte(challenge + nonce))
	n := 0
	for _, b := range sum {
		if b == 0 {
			n += 8
			continue
		}
		return n + bits.LeadingZeros8(b)
	}
	return n
}

// SolveChallenge finds a nonce for a challenge (what a client does; tests and
// the documentation example use it).
func SolveChallenge(challenge string, difficulty int) string {
	for i := 0; ; i++ {
		n := strconv.Itoa(i)
		if LeadingZeroBits(challenge, n) >= difficulty {
			return n
		}
	}
}

// NewFormToken issues the HTML form's signed timestamp.
func (s *Service) NewFormToken() (string, error) {
	return s.signedToken("form", s.Cases.Now().Truncate(time.Second))
}

func botCheckFailed(msg string) error {
	return &apperr.Error{Kind: apperr.ErrInvalid, Code: "bot_check_failed", Message: msg}
}

// checkProof verifies the form token or the proof of work and burns it.
func (s *Service) checkProof(ctx context.Context, now time.Time, in ApplicationInput) error {
	var kind, token string
	var expires time.Time
	switch {
	case in.FormToken != "":
		issued, ok := s.openToken("form", in.FormToken)
		if !ok {
			return botCheckFailed("表单已失效，请刷新页面后重新填写")
		}
		age := now.Sub(issued)
		if age < s.Settings.FormMinAge {
			return botCheckFailed("提交过快，请核对填写内容后再提交")
		}
		if age > s.Settings.FormMaxAge {
			return botCheckFailed("表单已过期，请刷新页面后重新填写")
		}
		kind, token, expires = "form", in.FormToken, issued.Add(s.Settings.FormMaxAge)
	case in.Challenge != "":
		exp, ok := s.openToken("pow", in.Challenge)
		if !ok || now.After(exp) {
			return botCheckFailed("验证题已失效，请重新获取（GET /api/v1/public/challenge）")
		}
		if LeadingZeroBits(in.Challenge, in.Nonce) < s.Settings.PowDifficulty {
			return botCheckFailed(fmt.Sprintf("工作量证明不正确：sha256(challenge+nonce) 须以 %d 个 0 比特开头", s.Settings.PowDifficulty))
		}
		kind, token, expires = "pow", in.Challenge, exp
	default:
		return botCheckFailed("缺少验证信息：请先获取验证题（challenge）并提交 nonce")
	}
	fresh, err := ratelimit.UseOnce(ctx, s.DB, kind, token, expires)
	if err != nil {
		return err
	}
	if !fresh {
		return botCheckFailed("该验证信息已使用过，请重新获取")
	}
	return nil
}
