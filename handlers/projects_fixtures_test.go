package handlers_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"jianyi/apitest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
)

// Fixture helpers: the case actions are built by teammates in parallel, so
// these tests put cases into the states they need directly through GORM.

var fixtureSeq atomic.Int64

// firstDeptProsecutor adds prosecutor3, a prosecutor of the district's
// 第一检察部, with the demo password.
func firstDeptProsecutor(t *testing.T, env *apitest.Env) int64 {
	t.Helper()
	var d org.Department
	if err := env.DB.Where("procuratorate_id = ? AND name = ?", env.Org.District.ID, "第一检察部").First(&d).Error; err != nil {
		t.Fatal(err)
	}
	hash, err := env.App.Passwords.Hash(apitest.Password)
	if err != nil {
		t.Fatal(err)
	}
	proc := env.Org.District.ID
	u := &org.User{Username: "prosecutor3", DisplayName: "钱检察官", PasswordHash: hash, Role: org.RoleProsecutor,
		ProcuratorateID: &proc, DepartmentID: &d.ID, TokenVersion: 1}
	if err := env.DB.Create(u).Error; err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// caseFixture describes a case to insert.
type caseFixture struct {
	Title         string
	Prosecutor    string // username; default prosecutor1
	Procuratorate int64  // default the district
	Department    int64  // default the prosecutor's department
	Agency        int64  // default agency1
	Field         string
	Source        string
	State         cases.CaseState
	IssuedOn      string // "2026-01-05": issued (and 文号 assigned) that day
	DeliveredOn   string
	ReplyDue      string
	RepliedOn     string
	ReplyClass    string
	Rectification string
}

func datePtr(t *testing.T, s string) *calendar.Date {
	t.Helper()
	if s == "" {
		return nil
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return &d
}

// insertCase writes a case in the wanted state, as the lifecycle would have
// left it.
func insertCase(t *testing.T, env *apitest.Env, f caseFixture) *cases.Case {
	t.Helper()
	if f.Prosecutor == "" {
		f.Prosecutor = "prosecutor1"
	}
	var u org.User
	if err := env.DB.Where("username = ?", f.Prosecutor).First(&u).Error; err != nil {
		t.Fatal(err)
	}
	if f.Procuratorate == 0 {
		f.Procuratorate = *u.ProcuratorateID
	}
	if f.Department == 0 {
		f.Department = *u.DepartmentID
	}
	if f.Agency == 0 {
		f.Agency = env.Org.Agency1.ID
	}
	if f.Field == "" {
		f.Field = "食品药品安全"
	}
	if f.Source == "" {
		f.Source = cases.SourceCaseFinding
	}
	if f.Title == "" {
		f.Title = fmt.Sprintf("测试案件%d", fixtureSeq.Add(1))
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	agency := f.Agency
	c := &cases.Case{ProcuratorateID: f.Procuratorate, DepartmentID: f.Department, Title: f.Title, Field: f.Field, Source: f.Source,
		AgencyID: &agency, ProsecutorID: u.ID, State: f.State, Version: 1, StateEnteredAt: now, CreatedBy: u.ID, CreatedAt: now, UpdatedAt: now,
		ReplyClass: f.ReplyClass, Rectification: f.Rectification}
	if f.IssuedOn != "" {
		d := datePtr(t, f.IssuedOn)
		at := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, env.Config.Location()).UTC()
		c.IssuedAt = &at
		n := fixtureSeq.Add(1)
		num := fmt.Sprintf("清河检八建〔%d〕%d号", d.Year(), n)
		c.DocumentNumber = &num
	}
	c.DeliveredOn = datePtr(t, f.DeliveredOn)
	c.ReceivedOn = datePtr(t, f.DeliveredOn)
	c.ReplyDue = datePtr(t, f.ReplyDue)
	c.FirstRepliedOn = datePtr(t, f.RepliedOn)
	if f.State == cases.StateClosed {
		c.ClosedAt = &now
	}
	if err := env.DB.Create(c).Error; err != nil {
		t.Fatalf("insert case: %v", err)
	}
	return c
}

// setCaseState moves a fixture case on, as the lifecycle would.
func setCaseState(t *testing.T, env *apitest.Env, id int64, updates map[string]any) {
	t.Helper()
	// A write of a case's state keeps its project's case counts, as the
	// service's writes do.
	err := env.DB.WithTx(context.Background(), func(tx *gorm.DB) error {
		was, err := cases.CurrentProjectKey(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Model(&cases.Case{}).Where("id = ?", id).Updates(updates).Error; err != nil {
			return err
		}
		is, err := cases.CurrentProjectKey(tx, id)
		if err != nil {
			return err
		}
		return cases.MoveProjectTally(tx, was, is)
	})
	if err != nil {
		t.Fatal(err)
	}
}
