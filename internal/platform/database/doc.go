// Package database opens SQLite or MySQL with the settings Jianyi relies on,
// runs the migrations, and gives the transaction helpers (WithTx, LockRow)
// and the error helpers (NotFoundOr, UniqueOr) every store uses.
package database
