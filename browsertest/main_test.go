package browsertest_test

import (
	"testing"

	"jianyi/browsertest"
)

// One Chromium for every test of the package.
func TestMain(m *testing.M) { browsertest.Main(m) }
