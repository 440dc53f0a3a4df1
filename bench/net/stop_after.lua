-- stop_after.lua: a wrk script that makes each thread stop after WRK_STOP_AFTER responses, so a
-- run for unikvm's --stats sends a known number of requests (wrk still waits for its -d to end).
local done, limit = 0, tonumber(os.getenv("WRK_STOP_AFTER") or "0")

function response(status, headers, body)
  done = done + 1
  if limit > 0 and done >= limit then
    wrk.thread:stop()
  end
end
