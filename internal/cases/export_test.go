package cases

// MySQLCaseListIndex is mysqlCaseListIndex, for the tests of package cases_test.
var MySQLCaseListIndex = mysqlCaseListIndex
