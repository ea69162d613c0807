package benchseed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// The organisation a seeded province runs on: a province procuratorate with
// cities and their districts, departments and staff in each, and the local
// agencies their recommendations go to.

type proc struct {
	id       int64
	parent   *proc
	name     string
	short    string // 院简称, unique: 文号 are unique across the database
	level    string // provincial | municipal | county
	path     string
	code     string // in usernames: p, c03, c03d07
	place    string // the city or district name agencies are named after
	weight   float64
	depts    []*dept
	deptCum  []float64
	chief    *user
	casemgr  *user
	agencies []*agency
	// byField lists, per field, the agencies that usually receive that
	// field's recommendations (indexes into agencies).
	byField [][]int
	// projects active in this procuratorate, for linking cases.
	projects []*project
}

type dept struct {
	id          int64
	proc        *proc
	name, code  string
	weight      float64
	head        *user
	prosecutors []*user
}

type user struct {
	id          int64
	username    string
	displayName string
	role        string
	proc        *proc
	dept        *dept
	agency      *agency
}

func (u *user) actor() auditActor {
	a := auditActor{userID: u.id, username: u.username, role: u.role}
	if u.proc != nil {
		a.procID = u.proc.id
	}
	return a
}

type agency struct {
	id                   int64
	name, kind, superior string
	contact, phone       string
	users                []*user
	// Reply habits: the chance that a recommendation goes unanswered, is
	// answered late or perfunctorily. A few agencies are chronic
	// non-responders, as in real statistics.
	pNoReply, pLate, pPerfunctory float64
	weight                        float64
}

type org struct {
	province *proc
	procs    []*proc // province, cities, districts in id order
	procCum  []float64
	users    []*user
	agencies []*agency
	projects []*project
}

// departments by level: name, 部门代字, share of that procuratorate's cases.
var deptsByLevel = map[string][]struct {
	name, code string
	weight     float64
}{
	"provincial": {{"第一检察部", "一", 10}, {"第二检察部", "二", 8}, {"第三检察部", "三", 4}, {"第四检察部", "四", 8},
		{"第五检察部", "五", 4}, {"第六检察部", "六", 6}, {"第七检察部", "七", 5}, {"第八检察部", "八", 55}},
	"municipal": {{"第一检察部", "一", 12}, {"第二检察部", "二", 10}, {"第四检察部", "四", 10}, {"第五检察部", "五", 5},
		{"第六检察部", "六", 8}, {"第八检察部", "八", 55}},
	"county": {{"第一检察部", "一", 15}, {"第二检察部", "二", 12}, {"第四检察部", "四", 13}, {"第八检察部", "八", 60}},
}

// fieldAgencyWords: agencies whose names contain one of these usually
// receive that field's recommendations (same order as fieldNames).
var fieldAgencyWords = [][]string{
	{"生态环境", "自然资源", "水利", "农业农村", "林业", "综合行政执法", "城市管理"},
	{"市场监督", "教育", "卫生健康", "农业农村", "食品", "药品"},
	{"应急管理", "住房和城乡建设", "消防", "交通运输", "燃气", "建设工程", "供电", "物业"},
	{"教育", "公安", "市场监督", "文化"},
	{"地方金融", "市场监督", "公安", "商务"},
	{"网信", "数据资源", "公安", "工业和信息化", "通信", "网络科技"},
	{"城市管理", "民政", "退役军人", "自然资源", "住房和城乡建设", "人民政府", "街道办事处", "残疾人", "医疗保障"},
}

// names hands out unique names from the character pools.
type names struct {
	r    *rand.Rand
	used map[string]bool
}

func (n *names) place() string { return n.placeWhere(nil) }

// placeWhere is a fresh place name that ok accepts (names already in the
// database are not).
func (n *names) placeWhere(ok func(string) bool) string {
	for tries := 0; ; tries++ {
		s := string(placeFirst[n.r.IntN(len(placeFirst))]) + string(placeSecond[n.r.IntN(len(placeSecond))])
		if tries > 200 {
			// The two-character names are running out: use three.
			s += string(placeSecond[n.r.IntN(len(placeSecond))])
		}
		if !n.used[s] && s[:3] != s[3:6] && (ok == nil || ok(s)) {
			n.used[s] = true
			return s
		}
	}
}

func (n *names) person() string {
	s := string(surnames[n.r.IntN(len(surnames))]) + string(givenChars[n.r.IntN(len(givenChars))])
	if n.r.IntN(2) == 0 {
		s += string(givenChars[n.r.IntN(len(givenChars))])
	}
	return s
}

// buildOrg makes the province tree in memory with ids from next.
func buildOrg(r *rand.Rand, opts *Options, next map[string]int64, taken map[string]bool) *org {
	nm := &names{r: r, used: map[string]bool{}}
	for k := range taken {
		nm.used[k] = true
	}
	o := &org{}
	newID := func(table string) int64 { id := next[table]; next[table]++; return id }
	addProc := func(parent *proc, name, short, level, code, place string, weight float64) *proc {
		p := &proc{id: newID("procuratorates"), parent: parent, name: name, short: short, level: level, code: code, place: place, weight: weight}
		if parent == nil {
			p.path = fmt.Sprintf("/%d/", p.id)
		} else {
			p.path = fmt.Sprintf("%s%d/", parent.path, p.id)
		}
		o.procs = append(o.procs, p)
		return p
	}
	lognormal := func(sigma float64) float64 { return math.Exp(r.NormFloat64() * sigma) }
	free := func(names ...string) bool {
		for _, x := range names {
			if taken[x] {
				return false
			}
		}
		return true
	}
	prov := nm.placeWhere(func(s string) bool { return free(s+"省人民检察院", s+"省") })
	o.province = addProc(nil, prov+"省人民检察院", prov+"省", "provincial", "p", prov+"省", 0.02)
	type cityPlan struct {
		p         *proc
		districts int
	}
	var cities []cityPlan
	for i := 0; i < opts.Cities; i++ {
		c := nm.placeWhere(func(s string) bool { return free(prov+"省"+s+"市人民检察院", s) })
		p := addProc(o.province, prov+"省"+c+"市人民检察院", c, "municipal", fmt.Sprintf("c%02d", i+1), c+"市", lognormal(0.4))
		cities = append(cities, cityPlan{p, max(1, opts.Districts-3+r.IntN(7))})
	}
	var cityWeight, districtWeight float64
	var districts []*proc
	for _, cp := range cities {
		cityWeight += cp.p.weight
		for j := 0; j < cp.districts; j++ {
			suffix := "区"
			if r.IntN(10) < 3 {
				suffix = "县"
			}
			d := nm.placeWhere(func(s string) bool { return free(cp.p.place+s+suffix+"人民检察院", s) })
			p := addProc(cp.p, cp.p.place+d+suffix+"人民检察院", d, "county", fmt.Sprintf("%sd%02d", cp.p.code, j+1),
				cp.p.place+d+suffix, lognormal(0.6))
			districts = append(districts, p)
			districtWeight += p.weight
		}
	}
	// Shares of all cases: the province 2%, cities 12%, districts 86%.
	for _, cp := range cities {
		cp.p.weight *= 0.12 / cityWeight
	}
	for _, d := range districts {
		d.weight *= 0.86 / districtWeight
	}
	sum := 0.0
	for _, p := range o.procs {
		sum += p.weight
		o.procCum = append(o.procCum, sum)
	}

	// Departments and staff.
	for _, p := range o.procs {
		var cum float64
		for _, dd := range deptsByLevel[p.level] {
			d := &dept{id: newID("departments"), proc: p, name: dd.name, code: dd.code, weight: dd.weight}
			p.depts = append(p.depts, d)
			cum += dd.weight
			p.deptCum = append(p.deptCum, cum)
		}
		addUser := func(role, username string, d *dept) *user {
			u := &user{id: newID("users"), username: opts.Prefix + "-" + username, displayName: nm.person(), role: role, proc: p, dept: d}
			o.users = append(o.users, u)
			return u
		}
		p.chief = addUser("chief", p.code+"-chief", nil)
		p.casemgr = addUser("case_manager", p.code+"-casemgr", nil)
		if p.parent == nil {
			addUser("admin", p.code+"-admin", nil)
		}
		// Staff grow with the procuratorate's share of the work.
		size := p.weight / (0.86 / float64(max(1, len(districts))))
		for _, d := range p.depts {
			code := deptUserCode(d.code)
			d.head = addUser("dept_head", fmt.Sprintf("%s-%s-head", p.code, code), d)
			n := min(12, max(2, int(math.Round(2+6*size*d.weight/60))))
			for k := 1; k <= n; k++ {
				d.prosecutors = append(d.prosecutors, addUser("prosecutor", fmt.Sprintf("%s-%s-pros%d", p.code, code, k), d))
			}
		}
	}

	// Agencies: each procuratorate's own level of government.
	agencyNo := 0
	for _, p := range o.procs {
		var list []*agency
		add := func(name, kind, superior string) {
			if nm.used[name] {
				return
			}
			nm.used[name] = true
			a := &agency{id: newID("agencies"), name: name, kind: kind, superior: superior,
				contact: nm.person(), phone: fmt.Sprintf("0%d-%08d", 500+r.IntN(400), r.IntN(100000000)),
				pNoReply: 0.02 + 0.2*math.Pow(r.Float64(), 4), pLate: 0.03 + 0.15*math.Pow(r.Float64(), 2),
				pPerfunctory: 0.03 + 0.12*math.Pow(r.Float64(), 2), weight: lognormal(0.7)}
			list = append(list, a)
		}
		switch p.level {
		case "provincial":
			for _, b := range provinceBureaus {
				add(p.place+b, kindOf(b), p.place+"人民政府")
			}
		case "municipal":
			for _, b := range pick(r, cityBureaus, 26) {
				add(p.place+b, kindOf(b), p.place+"人民政府")
			}
			for k := 0; k < 3; k++ {
				add(p.place+companyWords[r.IntN(len(companyWords))]+companyKinds[r.IntN(len(companyKinds))], "企业", "")
			}
		case "county":
			city := p.parent.place
			for _, b := range pick(r, cityBureaus, 24) {
				add(p.place+b, kindOf(b), city+b)
			}
			for _, b := range pick(r, districtExtras, 3) {
				add(p.place+b, kindOf(b), city+b)
			}
			for k := 0; k < 6+r.IntN(6); k++ {
				town := nm.place()
				if r.IntN(2) == 0 {
					add(p.place+town+"镇人民政府", "乡镇街道", p.place+"人民政府")
				} else {
					add(p.place+town+"街道办事处", "乡镇街道", p.place+"人民政府")
				}
			}
			for k := 0; k < 3+r.IntN(5); k++ {
				add(p.place+companyWords[r.IntN(len(companyWords))]+companyKinds[r.IntN(len(companyKinds))], "企业", "")
			}
		}
		p.agencies = list
		p.byField = make([][]int, len(fieldNames))
		for f, words := range fieldAgencyWords {
			for i, a := range list {
				for _, w := range words {
					if strings.Contains(a.name, w) {
						p.byField[f] = append(p.byField[f], i)
						break
					}
				}
			}
		}
		for _, a := range list {
			agencyNo++
			a.users = append(a.users, &user{id: newID("users"), username: fmt.Sprintf("%s-ag%05d", opts.Prefix, agencyNo),
				displayName: a.contact, role: "agency", agency: a})
			if r.IntN(5) == 0 {
				a.users = append(a.users, &user{id: newID("users"), username: fmt.Sprintf("%s-ag%05d-2", opts.Prefix, agencyNo),
					displayName: nm.person(), role: "agency", agency: a})
			}
			o.users = append(o.users, a.users...)
		}
		o.agencies = append(o.agencies, list...)
	}
	return o
}

func deptUserCode(code string) string {
	for i, d := range chineseDigits {
		if d == code {
			return fmt.Sprintf("d%d", i)
		}
	}
	return "d0"
}

func kindOf(bureau string) string {
	switch {
	case strings.Contains(bureau, "公司"):
		return "企业"
	case strings.Contains(bureau, "联合会"):
		return "人民团体"
	case strings.Contains(bureau, "消防"):
		return "消防救援机构"
	}
	return "行政机关"
}

// pick returns n distinct entries of list in a random order.
func pick(r *rand.Rand, list []string, n int) []string {
	idx := r.Perm(len(list))
	out := make([]string, 0, n)
	for _, i := range idx[:min(n, len(list))] {
		out = append(out, list[i])
	}
	return out
}

// choose picks an index by cumulative weights.
func choose(r *rand.Rand, cum []float64) int {
	x := r.Float64() * cum[len(cum)-1]
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// writeOrg buffers the organisation's rows and their audit entries.
func (g *generator) writeOrg(b *batch, at time.Time) {
	seed := auditActor{username: "seed-bench"}
	for _, p := range g.org.procs {
		var parent any
		if p.parent != nil {
			parent = p.parent.id
		}
		b.procuratorates.add(p.id, parent, p.name, p.short, p.level, p.path, at, at)
		g.audit.add(seed, "procuratorate.create", "procuratorate", p.id, (&jsonObject{}).str("name", p.name).String(), "", at)
		for _, d := range p.depts {
			b.departments.add(d.id, p.id, d.name, d.code, at, at)
			g.audit.add(seed, "department.create", "department", d.id, (&jsonObject{}).str("name", d.name).String(), "", at)
		}
	}
	for _, a := range g.org.agencies {
		b.agencies.add(a.id, a.name, a.kind, a.superior, a.contact, a.phone, "", at, at)
		g.audit.add(seed, "agency.create", "agency", a.id, (&jsonObject{}).str("name", a.name).String(), "", at)
	}
	for _, u := range g.org.users {
		var procID, deptID, agencyID any
		if u.proc != nil {
			procID = u.proc.id
		}
		if u.dept != nil {
			deptID = u.dept.id
		}
		if u.agency != nil {
			agencyID = u.agency.id
		}
		b.users.add(u.id, u.username, u.displayName, g.passwordHash, u.role, procID, deptID, agencyID, "", "", false, 1, at, at, at)
		g.audit.add(seed, "user.create", "user", u.id, (&jsonObject{}).str("role", u.role).str("source", "seed-bench").str("username", u.username).String(), "", at)
	}
}
