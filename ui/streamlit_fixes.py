"""A fix to Streamlit (pinned in requirements.txt) for a file that vanishes on upload.

A file chosen in an uploader is sent in two steps: the browser asks the server for upload URLs, the
server queues the answer (``file_urls_response``), the browser then sends the file. When a script
run starts (a rerun asked for by another widget a moment before), Streamlit clears the messages
still queued for the browser except the script's lifecycle ones (``ForwardMsgQueue.clear`` with
``retain_lifecycle_msgs``), and the answer is among those dropped: the browser waits for it for
ever, and the file the clerk chose disappears from the uploader without a word. On a busy server
it happened to about one upload in fifteen made right after choosing the month (none in eighty with
this fix). Such answers belong to no script run, so they are kept across the clear.
"""
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

# answers to the browser's own requests (upload URLs, the other request-response calls, the heartbeat):
# they belong to no script run
KEPT = frozenset({"file_urls_response", "backend_operation_response", "heartbeat_ack"})


def apply() -> None:
    """Keep answers to the browser's requests when a new script run clears the queue (idempotent)."""
    original = ForwardMsgQueue.clear
    if getattr(original, "keeps_answers", False):
        return

    def clear(self, retain_lifecycle_msgs: bool = False, fragment_ids_this_run: list[str] | None = None) -> None:
        answers = [m for m in self._queue if m.WhichOneof("type") in KEPT] if retain_lifecycle_msgs else []
        original(self, retain_lifecycle_msgs, fragment_ids_this_run)
        kept = {id(m) for m in self._queue}
        self._queue.extend(m for m in answers if id(m) not in kept)

    clear.keeps_answers = True
    clear.original = original
    ForwardMsgQueue.clear = clear
