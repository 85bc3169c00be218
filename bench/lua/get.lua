-- The same URL again and again (wrk's default), with the report line.
dofile("bench/lua/report.lua")
