package handlers

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// encoding/json names an unknown field by its key alone ("titel"), even deep
// in the body; a person fixing the request needs to know where it is
// ("content.titel", "items[2].reson"). unknownFieldPath walks the body along
// the destination's type, keys in the order they were written, and returns
// the full JSON path of the first key the type does not have ("" when none).
func unknownFieldPath(raw []byte, t reflect.Type) string {
	p, _ := findUnknown(raw, t, "")
	return p
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func findUnknown(raw []byte, t reflect.Type, path string) (string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if pt := reflect.PointerTo(t); pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler) {
		return "", false // decodes itself
	}
	switch t.Kind() {
	case reflect.Struct:
		keys, values, ok := objectMembers(raw)
		if !ok {
			return "", false
		}
		for i, k := range keys {
			child := k
			if path != "" {
				child = path + "." + k
			}
			f, ok := jsonField(t, k)
			if !ok {
				return child, true
			}
			if p, found := findUnknown(values[i], f.Type, child); found {
				return p, true
			}
		}
	case reflect.Slice, reflect.Array:
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil {
			return "", false
		}
		for i, e := range elems {
			if p, found := findUnknown(e, t.Elem(), path+"["+strconv.Itoa(i)+"]"); found {
				return p, true
			}
		}
	case reflect.Map:
		keys, values, ok := objectMembers(raw)
		if !ok {
			return "", false
		}
		for i, k := range keys {
			child := k
			if path != "" {
				child = path + "." + k
			}
			if p, found := findUnknown(values[i], t.Elem(), child); found {
				return p, true
			}
		}
	}
	return "", false
}

// objectMembers reads a JSON object's keys and values in document order.
func objectMembers(raw []byte) ([]string, []json.RawMessage, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, false
	}
	var keys []string
	var values []json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, false
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, false
		}
		keys = append(keys, k)
		values = append(values, v)
	}
	return keys, values, true
}

// jsonField finds the struct field a key decodes into, as encoding/json does
// (json tag or field name, case-insensitively, through embedded structs).
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name := strings.Split(tag, ",")[0]
		if name == "-" && tag == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if sf, ok := jsonField(ft, key); ok {
					return sf, true
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if strings.EqualFold(name, key) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
