# Sourced by .ci/run: a throwaway PostgreSQL cluster on port 55432 for the reference-server tests.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgdata=/tmp/onestop-pg
rm -rf "$pgdata"; mkdir -p "$pgdata"; chown postgres "$pgdata"
su postgres -c "$pgbin/initdb -D $pgdata -U postgres -A trust" >/tmp/ci-pg.log 2>&1
su postgres -c "$pgbin/pg_ctl -D $pgdata -o '-p 55432 -k /tmp' -l $pgdata/log -w start" >>/tmp/ci-pg.log 2>&1
su postgres -c "psql -h /tmp -p 55432 -c 'CREATE DATABASE onestop_test'" >>/tmp/ci-pg.log 2>&1
export ONESTOP_TEST_PG_URL="postgresql://postgres@127.0.0.1:55432/onestop_test"
