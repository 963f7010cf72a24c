#!/bin/sh
# A task handler for `baton worker`: counts the words of the input's "text".
# Input JSON arrives on stdin; the output JSON goes to stdout; a non-zero exit fails the task.
#   baton worker --queue word-count -- examples/workers/shell/word-count.sh
input=$(cat)
# Pull "text" out without jq: python3 is on most machines; any JSON tool will do.
text=$(printf '%s' "$input" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("text", ""))' 2>/dev/null) || {
  echo "input is not a JSON object" >&2; exit 2     # → error Worker.CommandFailed, cause: this line
}
if [ -z "$text" ]; then
  # Name the error yourself: a JSON {"error", "cause"} on stdout, then a non-zero exit.
  echo '{"error": "EmptyText", "cause": "the input has no \"text\" to count"}'
  exit 1
fi
words=$(printf '%s' "$text" | wc -w | tr -d ' ')
echo "{\"words\": $words, \"worker\": \"${BATON_STATE:-?} attempt ${BATON_ATTEMPT:-0}\"}"
