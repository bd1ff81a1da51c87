#!/usr/bin/env python3
"""The store's size with and without `secure_delete`: N 300-byte records in
WAL mode with an index, every tenth then deleted, the log checkpointed
(TRUNCATE); prints the database file's size each way.
Usage: python3 bench/secure-delete.py N"""
import sqlite3, os, sys, time
n=int(sys.argv[1])
for sd in ("OFF","ON"):
    p=f"s-{sd}.sqlite"
    for f in (p,p+"-wal",p+"-shm"):
        if os.path.exists(f): os.remove(f)
    c=sqlite3.connect(p)
    c.execute("PRAGMA journal_mode=WAL"); c.execute(f"PRAGMA secure_delete={sd}")
    c.execute("CREATE TABLE sig(id INTEGER PRIMARY KEY, fold INTEGER, rec BLOB)")
    c.execute("CREATE INDEX sig_fold ON sig(fold)")
    t=time.time()
    for b in range(0,n,1000):
        c.executemany("INSERT INTO sig VALUES (?,?,?)",[(i,hash(i)&0xffffffff,os.urandom(150).hex().encode()) for i in range(b,min(n,b+1000))])
        c.commit()
    # withdraw every tenth
    for b in range(0,n,10000):
        c.execute("DELETE FROM sig WHERE id % 10 = 0 AND id >= ? AND id < ?",(b,b+10000)); c.commit()
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.close()
    print(sd, n, os.path.getsize(p), "bytes", round(time.time()-t,1),"s")
