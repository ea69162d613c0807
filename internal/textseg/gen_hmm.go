//go:build ignore

// gen_hmm writes dict/hmm.bin.gz, the part-of-speech hidden Markov model
// of gse v0.80.3 (hmm/pos: probStart, probTrans, probEmit, charStateTab,
// poss; the model of jieba's posseg), read from gse's Go source:
//
//	go mod download github.com/go-ego/gse@v0.80.3
//	go run gen_hmm.go "$(go env GOMODCACHE)/github.com/go-ego/gse@v0.80.3/hmm/pos"
//
// Literals are converted as the compiler converts them (go/constant), so
// the model's numbers are gse's to the last bit. The format is read by
// loadHMM (hmm.go).
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"sort"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run gen_hmm.go GSE_HMM_POS_DIR")
		os.Exit(2)
	}
	vars := map[string]ast.Expr{}
	fset := token.NewFileSet()
	for _, name := range []string{"prob_start.go", "prob_trans.go", "prob_emit.go", "char_state_tab.go"} {
		f, err := parser.ParseFile(fset, filepath.Join(os.Args[1], name), nil, 0)
		check(err)
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						vars[n.Name] = vs.Values[i]
					}
				}
			}
		}
	}
	var b bytes.Buffer
	put := func(v any) { check(binary.Write(&b, binary.LittleEndian, v)) }

	start := pairs(vars["probStart"])
	put(uint16(len(start)))
	for _, p := range start {
		put(uint16(intOf(p.Key)))
		put(floatOf(p.Value))
	}

	trans := pairs(vars["probTrans"])
	put(uint16(len(trans)))
	for _, p := range trans {
		put(uint16(intOf(p.Key)))
		to := pairs(p.Value)
		put(uint16(len(to)))
		for _, q := range to {
			put(uint16(intOf(q.Key)))
			put(floatOf(q.Value))
		}
	}

	// Emissions grouped by character: the Viterbi step needs one
	// character's emissions for all states.
	type emission struct {
		state uint16
		prob  float64
	}
	byRune := map[int32][]emission{}
	for _, p := range pairs(vars["probEmit"]) {
		state := uint16(intOf(p.Key))
		for _, q := range pairs(p.Value) {
			r := int32(intOf(q.Key))
			byRune[r] = append(byRune[r], emission{state, floatOf(q.Value)})
		}
	}
	runes := make([]int32, 0, len(byRune))
	for r := range byRune {
		runes = append(runes, r)
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	put(uint32(len(runes)))
	for _, r := range runes {
		put(r)
		put(uint16(len(byRune[r])))
		for _, e := range byRune[r] {
			put(e.state)
			put(e.prob)
		}
	}

	tab := pairs(vars["charStateTab"])
	put(uint32(len(tab)))
	for _, p := range tab {
		put(int32(intOf(p.Key)))
		states := p.Value.(*ast.CompositeLit).Elts
		put(uint16(len(states)))
		for _, s := range states {
			put(uint16(intOf(s)))
		}
	}

	poss := vars["poss"].(*ast.CompositeLit).Elts
	put(uint16(len(poss)))
	for _, s := range poss {
		v := constant.StringVal(constant.MakeFromLiteral(s.(*ast.BasicLit).Value, token.STRING, 0))
		put(uint8(len(v)))
		b.WriteString(v)
	}

	var z bytes.Buffer
	w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	_, err := w.Write(b.Bytes())
	check(err)
	check(w.Close())
	check(os.WriteFile("dict/hmm.bin.gz", z.Bytes(), 0o644))
	fmt.Printf("states %d, transitions from %d, emissions for %d characters, state table %d characters, %d tags; %d bytes\n",
		len(start), len(trans), len(runes), len(tab), len(poss), z.Len())
}

func pairs(e ast.Expr) []*ast.KeyValueExpr {
	var out []*ast.KeyValueExpr
	for _, el := range e.(*ast.CompositeLit).Elts {
		out = append(out, el.(*ast.KeyValueExpr))
	}
	return out
}

func value(e ast.Expr) constant.Value {
	switch e := e.(type) {
	case *ast.BasicLit:
		return constant.MakeFromLiteral(e.Value, e.Kind, 0)
	case *ast.UnaryExpr:
		return constant.UnaryOp(e.Op, value(e.X), 0)
	case *ast.ParenExpr:
		return value(e.X)
	}
	panic(fmt.Sprintf("unexpected expression %T", e))
}

func intOf(e ast.Expr) int64 {
	v, ok := constant.Int64Val(constant.ToInt(value(e)))
	if !ok {
		panic("not an integer")
	}
	return v
}

func floatOf(e ast.Expr) float64 {
	f, _ := constant.Float64Val(constant.ToFloat(value(e)))
	if math.IsInf(f, 0) || math.IsNaN(f) {
		panic("not a finite float")
	}
	return f
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
