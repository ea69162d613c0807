package demo

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"jianyi/internal/org"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// DemoAccount is one account made (or found) by SeedDemo.
type DemoAccount struct {
	Username string
	Role     org.Role
	Where    string
	Created  bool
}

// DemoOrg names the objects SeedDemo creates, for tests and the printout.
type DemoOrg struct {
	Province, City, District org.Procuratorate
	Department               org.Department // the district's 第八检察部
	CityDepartment           org.Department
	Agency1, Agency2         org.Agency
	Accounts                 []DemoAccount
}

// SeedDemo creates a small procuratorate tree, departments, one user per role
// and two agencies with their users. It is idempotent: existing objects (found
// by their unique names) are kept as they are, passwords included.
func SeedDemo(ctx context.Context, db *database.DB, passwords *org.Passwords, password string) (*DemoOrg, error) {
	if len(password) < 8 {
		return nil, errors.New("demo password must be at least 8 characters")
	}
	hash, err := passwords.Hash(password)
	if err != nil {
		return nil, err
	}
	seed := &DemoOrg{}
	err = db.WithTx(ctx, func(tx *gorm.DB) error {
		*seed = DemoOrg{} // from scratch when WithTx runs it again
		sys := &org.Actor{Username: "seed-demo"}
		var err error
		if seed.Province, err = seedProcuratorate(tx, nil, "东川省人民检察院", "东川", org.LevelProvincial); err != nil {
			return err
		}
		if seed.City, err = seedProcuratorate(tx, &seed.Province, "东川省临江市人民检察院", "临江", org.LevelMunicipal); err != nil {
			return err
		}
		if seed.District, err = seedProcuratorate(tx, &seed.City, "临江市清河区人民检察院", "清河", org.LevelCounty); err != nil {
			return err
		}
		if seed.Department, err = seedDepartment(tx, seed.District.ID, "第八检察部", "八"); err != nil {
			return err
		}
		if _, err = seedDepartment(tx, seed.District.ID, "第一检察部", "一"); err != nil {
			return err
		}
		if seed.CityDepartment, err = seedDepartment(tx, seed.City.ID, "第八检察部", "八"); err != nil {
			return err
		}
		if seed.Agency1, err = seedAgency(tx, org.Agency{Name: "临江市清河区市场监督管理局", Kind: "行政机关", SuperiorBody: "临江市市场监督管理局", ContactPerson: "王科长", ContactPhone: "0571-00000001"}); err != nil {
			return err
		}
		if seed.Agency2, err = seedAgency(tx, org.Agency{Name: "临江市清河区教育局", Kind: "行政机关", SuperiorBody: "临江市教育局", ContactPerson: "李主任", ContactPhone: "0571-00000002"}); err != nil {
			return err
		}
		d, dept, city, cityDept := seed.District.ID, seed.Department.ID, seed.City.ID, seed.CityDepartment.ID
		prov := seed.Province.ID
		a1, a2 := seed.Agency1.ID, seed.Agency2.ID
		users := []struct {
			username, name string
			role           org.Role
			proc, dep, ag  *int64
			where          string
		}{
			{"admin", "系统管理员", org.RoleAdmin, &prov, nil, nil, seed.Province.Name},
			{"prosecutor1", "张检察官", org.RoleProsecutor, &d, &dept, nil, seed.District.Name + " 第八检察部"},
			{"prosecutor2", "陈检察官", org.RoleProsecutor, &d, &dept, nil, seed.District.Name + " 第八检察部"},
			{"depthead1", "刘主任", org.RoleDeptHead, &d, &dept, nil, seed.District.Name + " 第八检察部"},
			{"chief1", "赵检察长", org.RoleChief, &d, nil, nil, seed.District.Name},
			{"casemgr1", "孙案管", org.RoleCaseManager, &d, nil, nil, seed.District.Name},
			{"cityprosecutor1", "周检察官", org.RoleProsecutor, &city, &cityDept, nil, seed.City.Name + " 第八检察部"},
			{"citychief1", "吴检察长", org.RoleChief, &city, nil, nil, seed.City.Name},
			{"agency1", "王科长", org.RoleAgency, nil, nil, &a1, seed.Agency1.Name},
			{"agency2", "李主任", org.RoleAgency, nil, nil, &a2, seed.Agency2.Name},
		}
		for _, u := range users {
			var existing org.User
			err := tx.Where("username = ?", u.username).First(&existing).Error
			if err == nil {
				seed.Accounts = append(seed.Accounts, DemoAccount{u.username, u.role, u.where, false})
				continue
			}
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
			nu := &org.User{Username: u.username, DisplayName: u.name, PasswordHash: hash, Role: u.role,
				ProcuratorateID: u.proc, DepartmentID: u.dep, AgencyID: u.ag, TokenVersion: 1}
			if err := tx.Create(nu).Error; err != nil {
				return err
			}
			if err := audit.Record(tx, sys, "user.create", "user", nu.ID, map[string]any{"username": nu.Username, "role": nu.Role, "source": "seed-demo"}); err != nil {
				return err
			}
			seed.Accounts = append(seed.Accounts, DemoAccount{u.username, u.role, u.where, true})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return seed, nil
}

func seedProcuratorate(tx *gorm.DB, parent *org.Procuratorate, name, short, level string) (org.Procuratorate, error) {
	var p org.Procuratorate
	if err := tx.Where("name = ?", name).First(&p).Error; err == nil {
		return p, nil
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return p, err
	}
	p = org.Procuratorate{Name: name, ShortName: short, Level: level}
	parentPath := "/"
	if parent != nil {
		p.ParentID = &parent.ID
		parentPath = parent.Path
	}
	if err := tx.Create(&p).Error; err != nil {
		return p, err
	}
	p.Path = fmt.Sprintf("%s%d/", parentPath, p.ID)
	if err := tx.Model(&p).Update("path", p.Path).Error; err != nil {
		return p, err
	}
	return p, audit.Record(tx, &org.Actor{Username: "seed-demo"}, "procuratorate.create", "procuratorate", p.ID, map[string]any{"name": name})
}

func seedDepartment(tx *gorm.DB, procID int64, name, code string) (org.Department, error) {
	var d org.Department
	if err := tx.Where("procuratorate_id = ? AND name = ?", procID, name).First(&d).Error; err == nil {
		return d, nil
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return d, err
	}
	d = org.Department{ProcuratorateID: procID, Name: name, NumberCode: code}
	if err := tx.Create(&d).Error; err != nil {
		return d, err
	}
	return d, audit.Record(tx, &org.Actor{Username: "seed-demo"}, "department.create", "department", d.ID, map[string]any{"name": name})
}

func seedAgency(tx *gorm.DB, a org.Agency) (org.Agency, error) {
	var existing org.Agency
	if err := tx.Where("name = ?", a.Name).First(&existing).Error; err == nil {
		return existing, nil
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return existing, err
	}
	if err := tx.Create(&a).Error; err != nil {
		return a, err
	}
	return a, audit.Record(tx, &org.Actor{Username: "seed-demo"}, "agency.create", "agency", a.ID, map[string]any{"name": a.Name})
}
