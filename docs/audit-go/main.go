// Command audit-go verifies a node's checkpoint, an inclusion proof and a consistency proof with nothing but Go's
// golang.org/x/mod/sumdb/note and sumdb/tlog: an auditor trusts these packages and the open formats, not our code.
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go run main.go -vkey VKEY -checkpoint FILE \
//	    [-proof FILE.tlog-proof -entry HEX] [-old FILE -consistency FILE]
package main

import (
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// checkpoint opens a signed c2sp.org/tlog-checkpoint and returns its size and root.
func checkpoint(msg []byte, v note.Verifier) (int64, tlog.Hash) {
	n, err := note.Open(msg, note.VerifierList(v))
	check(err)
	l := strings.Split(n.Text, "\n")
	if len(l) != 4 || l[0] != v.Name() || l[3] != "" {
		fail("checkpoint body is not origin, size, root")
	}
	size, err := strconv.ParseInt(l[1], 10, 64)
	check(err)
	root, err := tlog.ParseHash(l[2])
	check(err)
	return size, root
}

// hashes parses base64 hashes, one per line, up to the first empty line; it returns them and the lines after.
func hashes(lines []string) (out []tlog.Hash, rest []string) {
	for i, l := range lines {
		if l == "" {
			return out, lines[i+1:]
		}
		h, err := tlog.ParseHash(l)
		check(err)
		out = append(out, h)
	}
	return out, nil
}

func main() {
	vkey := flag.String("vkey", "", "the log's verifier key")
	cp := flag.String("checkpoint", "", "the signed checkpoint")
	proof := flag.String("proof", "", "a c2sp.org/tlog-proof@v1 document")
	entry := flag.String("entry", "", "hex of the entry (receipt hash) the proof is for")
	old := flag.String("old", "", "an earlier signed checkpoint")
	cons := flag.String("consistency", "", "the consistency proof from -old to -checkpoint")
	flag.Parse()
	v, err := note.NewVerifier(*vkey)
	check(err)
	size, root := checkpoint(read(*cp), v)
	fmt.Printf("checkpoint %s size %d root %s: signature ok\n", v.Name(), size, root)
	if *proof != "" {
		l := strings.Split(string(read(*proof)), "\n")
		if len(l) < 3 || l[0] != "c2sp.org/tlog-proof@v1" || !strings.HasPrefix(l[1], "index ") {
			fail("not a tlog-proof@v1 without extra data")
		}
		index, err := strconv.ParseInt(strings.TrimPrefix(l[1], "index "), 10, 64)
		check(err)
		p, rest := hashes(l[2:])
		psize, proot := checkpoint([]byte(strings.Join(rest, "\n")), v)
		e, err := hex.DecodeString(*entry)
		check(err)
		check(tlog.CheckRecord(p, psize, proot, index, tlog.RecordHash(e)))
		fmt.Printf("entry %d is in the tree of size %d\n", index, psize)
	}
	if *old != "" {
		osize, oroot := checkpoint(read(*old), v)
		p, _ := hashes(strings.Split(string(read(*cons)), "\n"))
		check(tlog.CheckTree(p, size, root, osize, oroot))
		fmt.Printf("size %d is a prefix of size %d\n", osize, size)
	}
}

func read(path string) []byte {
	b, err := os.ReadFile(path)
	check(err)
	return b
}

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "audit-go:", msg)
	os.Exit(1)
}

