package browsertest_test

import (
	"fmt"
	"testing"

	"jianyi/apitest"
	"jianyi/browsertest"
	"jianyi/dbtest"
	"jianyi/internal/cases"
)

// A prosecutor records a site visit from the case page's 调查核实 link.
func TestProsecutorRecordsAnInvestigation(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, dbtest.OpenSeeded(t, "sqlite"))
	c := env.CaseFixture(apitest.CaseFixture{State: cases.StateInvestigating})
	p := browsertest.Get(t).NewPage(t, browsertest.Serve(t, env.Echo))
	p.LogIn("prosecutor1", apitest.Password)
	p.Open(fmt.Sprintf("/cases/%d", c.ID)).Click("调查核实记录")
	p.MustSee("登记调查核实记录", "尚无调查核实记录")
	p.Select("调查方式", "实地走访").Fill("地点", "清河区实验小学门口").Fill("参加人员", "张检察官、书记员王某").
		Fill("调查情况", "现场查看校门口流动摊贩经营情况。").Click("登记")
	p.MustSee("已登记实地走访", "调查核实记录（1）", "清河区实验小学门口")
	p.Screenshot("case-investigation")
}
