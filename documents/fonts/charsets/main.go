// Command charsets prints a character set the shipped fonts are cut to
// (gbk, gb2312 or extra), for fonts/build-fonts.sh.
package main

import (
	"fmt"
	"os"

	"jianyi/documents"
)

func main() {
	switch os.Args[1] {
	case "gbk":
		fmt.Print(string(documents.GBKRunes()))
	case "gb2312":
		fmt.Print(string(documents.GB2312Runes()))
	case "extra":
		fmt.Print(documents.ExtraSymbols)
	}
}
