"""ui.streamlit_fixes on Streamlit's real message queue: the answer to the browser's request for
upload URLs survives the clear a new script run makes, so a file chosen just before a rerun is
uploaded and not silently dropped."""
import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

from ui import streamlit_fixes


def answer(request_id: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.file_urls_response.response_id = request_id
    msg.file_urls_response.file_urls.add(file_id="f1", upload_url="/_stcore/upload_file/s/f1",
                                         delete_url="/_stcore/upload_file/s/f1")
    return msg


def queued() -> ForwardMsgQueue:
    """A queue as a session holds it when a rerun starts: a delta of the run before, the answer to
    the browser's request for upload URLs, and the end of the run before."""
    queue = ForwardMsgQueue()
    delta = ForwardMsg()
    delta.metadata.delta_path[:] = [0, 3]
    delta.delta.new_element.markdown.body = "第二步"
    queue.enqueue(delta)
    queue.enqueue(answer("req-1"))
    finished = ForwardMsg()
    finished.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    queue.enqueue(finished)
    return queue


def kinds(queue: ForwardMsgQueue) -> list[str]:
    return [m.WhichOneof("type") for m in queue._queue]


def test_streamlit_drops_the_answer_when_a_run_starts():
    """Why the fix exists (Streamlit 1.67): if this fails after an upgrade, Streamlit keeps the
    answer itself and ui/streamlit_fixes.py can go."""
    queue = queued()
    original = getattr(ForwardMsgQueue.clear, "original", ForwardMsgQueue.clear)
    original(queue, retain_lifecycle_msgs=True)
    assert kinds(queue) == ["script_finished"]


def test_the_answer_survives_the_clear_a_new_run_makes():
    streamlit_fixes.apply()
    streamlit_fixes.apply()  # twice (app.py runs on every rerun): one wrapper, not two
    queue = queued()
    queue.clear(retain_lifecycle_msgs=True)
    assert kinds(queue) == ["script_finished", "file_urls_response"]
    assert queue._queue[1].file_urls_response.response_id == "req-1"
    assert [m.WhichOneof("type") for m in queue.flush()] == ["script_finished", "file_urls_response"]
    assert kinds(queue) == []  # sent: gone from the queue


@pytest.mark.parametrize("kind", ["backend_operation_response", "heartbeat_ack"])
def test_every_answer_to_the_browser_survives_it(kind):
    streamlit_fixes.apply()
    queue = queued()
    other = ForwardMsg()
    if kind == "heartbeat_ack":
        other.heartbeat_ack = True  # a flag, as AppSession sends it
    else:
        other.backend_operation_response.SetInParent()
    queue.enqueue(other)
    queue.clear(retain_lifecycle_msgs=True)
    assert kinds(queue) == ["script_finished", "file_urls_response", kind]


def test_a_full_clear_still_drops_everything():
    """A session that shuts down or reconnects clears the whole queue, answers included."""
    streamlit_fixes.apply()
    queue = queued()
    queue.clear()
    assert kinds(queue) == []
