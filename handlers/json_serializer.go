package handlers

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"
)

// jsonSerializer writes the same bytes as echo's default serializer
// (encoding/json: HTML escaped, a trailing newline), but encodes into a
// pooled buffer first, so the response carries its Content-Length and leaves
// in one write: a list page of tens of kilobytes was sent in chunks, with a
// further write for the last chunk. Reading request bodies is echo's.
type jsonSerializer struct{ echo.DefaultJSONSerializer }

var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// jsonBufferKeep is the largest buffer put back in the pool: a rare huge
// response does not stay in memory.
const jsonBufferKeep = 1 << 20

func (jsonSerializer) Serialize(c echo.Context, i any, indent string) error {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= jsonBufferKeep {
			jsonBuffers.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(i); err != nil {
		return err
	}
	res := c.Response()
	if !res.Committed {
		res.Header().Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	}
	_, err := res.Write(buf.Bytes())
	return err
}
