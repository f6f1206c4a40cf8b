"""bpmn/offering-publication-saga.bpmn: the process the publication saga's workers serve.

The workers subscribe by external task topic and the starter uses the process id, so both are
a contract. Read statically (no engine): the structure Camunda executes, the constraints its
parser enforces (historyTimeToLive, artifacts after flow elements) and the diagram that
Cockpit and the Modeler draw.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from offering_service.application.publication import PublicationRequest
from offering_service.domain.model import Offering, SalesChannel
from offering_service.entrypoints import saga_worker as offering_worker
from pricing_service.entrypoints import saga_worker as pricing_worker
from specification_service.entrypoints import saga_worker as specification_worker
from store_service.entrypoints import saga_worker as store_worker

ROOT = Path(__file__).resolve().parents[2]
BPMN_FILE = ROOT / "bpmn" / "offering-publication-saga.bpmn"

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"

PROCESS_ID = "offering-publication-saga"

# Every topic a service's saga worker serves.
TOPICS = {
    *offering_worker.TOPICS,
    *pricing_worker.TOPICS,
    *specification_worker.TOPICS,
    *store_worker.TOPICS,
}
HAPPY_PATH = ["LockPrices", "ValidateSpecifications", "CreateStoreEntry", "ConfirmPublication"]
COMPENSATION_PATH = ["UnlockPrices", "DeleteStoreEntry", "MarkPublicationFailed"]


def start_variables() -> list[str]:
    """The variables the offering service starts the process with (from its own code)."""
    offering = Offering(
        name="Fibre",
        description=None,
        specification_ids=[uuid.uuid4()],
        price_ids=[uuid.uuid4()],
        sales_channels=[SalesChannel.ONLINE],
    )
    offering.saga_id = uuid.uuid4()
    request = PublicationRequest.for_offering(offering, trace_headers={}, correlation_id=None)
    return sorted(request.variables)


FLOW_NODES = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "task",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "userTask",
    "manualTask",
    "scriptTask",
    "businessRuleTask",
    "subProcess",
    "transaction",
    "callActivity",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "complexGateway",
}
FLOW_ELEMENTS = FLOW_NODES | {"sequenceFlow", "dataObject", "dataObjectReference"}
ARTIFACTS = {"association", "textAnnotation", "group"}
CONTAINER_DETAILS = {"documentation", "extensionElements", "incoming", "outgoing"}


def bpmn(tag: str) -> str:
    return f"{{{BPMN}}}{tag}"


def camunda(attribute: str) -> str:
    return f"{{{CAMUNDA}}}{attribute}"


def local(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


@cache
def definitions() -> ET.Element:
    assert BPMN_FILE.is_file(), f"{BPMN_FILE.relative_to(ROOT)} is missing"
    return ET.parse(BPMN_FILE).getroot()  # noqa: S314 - our own file


def process() -> ET.Element:
    found = definitions().findall(bpmn("process"))
    assert len(found) == 1, [p.get("id") for p in found]
    return found[0]


def containers() -> list[ET.Element]:
    """The process and every sub-process in it: the scopes that hold flow elements."""
    return [process(), *process().iter(bpmn("subProcess"))]


def elements(*tags: str) -> Iterator[ET.Element]:
    for element in process().iter():
        if element.tag.startswith(f"{{{BPMN}}}") and local(element) in tags:
            yield element


def by_id(element_id: str) -> ET.Element:
    found = [element for element in process().iter() if element.get("id") == element_id]
    assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
    return found[0]


def flows() -> list[ET.Element]:
    return list(elements("sequenceFlow"))


def targets_of(source_id: str) -> list[str]:
    return [flow.get("targetRef", "") for flow in flows() if flow.get("sourceRef") == source_id]


def sub_process_start() -> str:
    starts = [child for child in by_id("Publish") if child.tag == bpmn("startEvent")]
    assert len(starts) == 1, f"the sub-process has {len(starts)} start events"
    return starts[0].get("id", "")


def walk_from(node_id: str) -> list[str]:
    """The ids along the only outgoing flow of each node, from node_id to a node without one."""
    path = [node_id]
    while targets := targets_of(path[-1]):
        assert len(targets) == 1, f"{path[-1]} has {len(targets)} outgoing flows: {targets}"
        assert targets[0] not in path, f"loop back to {targets[0]} after {path}"
        path.append(targets[0])
    return path


def plane() -> ET.Element:
    planes = definitions().findall(f"{{{BPMNDI}}}BPMNDiagram/{{{BPMNDI}}}BPMNPlane")
    assert len(planes) == 1, f"{len(planes)} diagram planes"
    return planes[0]


def shapes() -> dict[str, ET.Element]:
    found: dict[str, ET.Element] = {}
    for shape in plane().iter(f"{{{BPMNDI}}}BPMNShape"):
        element_id = shape.get("bpmnElement", "")
        assert element_id not in found, f"two shapes for {element_id}"
        found[element_id] = shape
    return found


def edges() -> dict[str, ET.Element]:
    found: dict[str, ET.Element] = {}
    for edge in plane().iter(f"{{{BPMNDI}}}BPMNEdge"):
        element_id = edge.get("bpmnElement", "")
        assert element_id not in found, f"two edges for {element_id}"
        found[element_id] = edge
    return found


Box = tuple[float, float, float, float]  # left, top, right, bottom


def box(element_id: str) -> Box:
    bounds = shapes()[element_id].find(f"{{{DC}}}Bounds")
    assert bounds is not None, f"the shape of {element_id} has no dc:Bounds"
    x, y = float(bounds.get("x", "nan")), float(bounds.get("y", "nan"))
    width, height = float(bounds.get("width", "nan")), float(bounds.get("height", "nan"))
    assert width > 0 and height > 0, f"the shape of {element_id} is {width}x{height}"
    return x, y, x + width, y + height


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(inner: Box, outer: Box) -> bool:
    left, top, right, bottom = inner
    return outer[0] <= left and right <= outer[2] and outer[1] <= top and bottom <= outer[3]


def centre(element_id: str) -> tuple[float, float]:
    left, top, right, bottom = box(element_id)
    return (left + right) / 2, (top + bottom) / 2


# -- the process ------------------------------------------------------------------------------


def test_the_definitions_declare_the_catalog_target_namespace_and_exporter() -> None:
    root = definitions()

    assert root.tag == bpmn("definitions")
    assert root.get("targetNamespace") == "http://catalog.local/bpmn"
    assert root.get("exporter") == "catalog"


def test_the_process_is_executable_with_its_id_name_and_history_time_to_live() -> None:
    saga = process()

    assert saga.get("id") == PROCESS_ID
    assert saga.get("name") == "Offering publication"
    assert saga.get("isExecutable") == "true"
    # Camunda 7.20+ refuses a deployment whose process has no history time to live.
    assert saga.get(camunda("historyTimeToLive")) == "P30D"


def test_the_process_documents_every_start_variable() -> None:
    documentation = process().find(bpmn("documentation"))

    assert documentation is not None, "the process has no bpmn:documentation"
    missing = [name for name in start_variables() if name not in (documentation.text or "")]
    assert not missing, f"start variables not documented: {missing}"


def test_the_external_topics_are_exactly_those_the_workers_subscribe_to() -> None:
    tasks = list(elements("serviceTask"))
    topics = [task.get(camunda("topic")) for task in tasks]

    assert set(topics) == TOPICS
    assert len(topics) == len(TOPICS), f"a topic is served by two tasks: {sorted(topics)}"
    not_external = [t.get("id") for t in tasks if t.get(camunda("type")) != "external"]
    assert not not_external, f"service tasks that are not external tasks: {not_external}"


def test_no_element_runs_code_inside_the_engine() -> None:
    assert not list(elements("scriptTask")), "script tasks run inside the engine"
    code = {camunda(name) for name in ("class", "expression", "delegateExpression")}
    offenders = [
        (element.get("id"), name.rpartition("}")[2], value)
        for element in process().iter()
        for name, value in element.attrib.items()
        if name in code or "${" in value or "#{" in value
    ]
    assert not offenders, f"Java delegates or expressions: {offenders}"


def test_no_element_adds_an_async_continuation() -> None:
    # Starting the process returns once the first external task exists.
    offenders = [
        (element.get("id"), name.rpartition("}")[2])
        for element in process().iter()
        for name in element.attrib
        if name in {camunda("asyncBefore"), camunda("asyncAfter"), camunda("async")}
    ]
    assert not offenders, offenders


# -- the happy path ---------------------------------------------------------------------------


def test_the_process_runs_from_publication_requested_through_publish_to_published() -> None:
    starts = [child.get("id") for child in process() if child.tag == bpmn("startEvent")]

    assert starts == ["PublicationRequested"]
    assert walk_from("PublicationRequested") == ["PublicationRequested", "Publish", "Published"]
    assert by_id("Publish").tag == bpmn("subProcess")
    assert by_id("Publish").get("name") == "Publish"
    published = by_id("Published")
    assert published.tag == bpmn("endEvent")
    assert published.get("name") == "Published"


def test_the_sub_process_runs_the_publication_steps_in_order_from_its_start_event() -> None:
    publish = by_id("Publish")

    path = walk_from(sub_process_start())

    assert path[1:-1] == HAPPY_PATH
    assert by_id(path[-1]).tag == bpmn("endEvent")
    assert all(by_id(node) in list(publish) for node in path), "a step outside the sub-process"


# -- failure and timeout ----------------------------------------------------------------------


def test_the_error_boundary_catches_any_error_and_keeps_its_code_and_message() -> None:
    failed = by_id("PublicationFailed")
    error_definitions = failed.findall(bpmn("errorEventDefinition"))

    assert failed.tag == bpmn("boundaryEvent")
    assert failed.get("attachedToRef") == "Publish"
    assert failed.get("cancelActivity", "true") == "true"
    assert len(error_definitions) == 1
    error = error_definitions[0]
    # No errorRef: any error code a worker reports with handleBpmnError is caught.
    assert "errorRef" not in error.attrib
    assert error.get(camunda("errorCodeVariable")) == "failureCode"
    assert error.get(camunda("errorMessageVariable")) == "failureReason"


def test_the_timer_boundary_interrupts_the_sub_process_after_ten_minutes() -> None:
    timed_out = by_id("PublicationTimedOut")
    durations = timed_out.findall(f"{bpmn('timerEventDefinition')}/{bpmn('timeDuration')}")

    assert timed_out.tag == bpmn("boundaryEvent")
    assert timed_out.get("attachedToRef") == "Publish"
    assert timed_out.get("cancelActivity", "true") == "true"
    assert [(duration.text or "").strip() for duration in durations] == ["PT10M"]


def test_the_sub_process_has_only_the_error_and_timer_boundary_events() -> None:
    attached = sorted(
        event.get("id", "")
        for event in elements("boundaryEvent")
        if event.get("attachedToRef") == "Publish"
    )

    assert attached == ["PublicationFailed", "PublicationTimedOut"]


@pytest.mark.parametrize("boundary", ["PublicationFailed", "PublicationTimedOut"])
def test_both_boundary_events_lead_to_unlock_prices(boundary: str) -> None:
    assert targets_of(boundary) == ["UnlockPrices"]


def test_the_compensation_path_unlocks_deletes_marks_failed_then_ends_back_in_draft() -> None:
    path = walk_from("UnlockPrices")

    assert path[:-1] == COMPENSATION_PATH
    end = by_id(path[-1])
    assert end.tag == bpmn("endEvent")
    assert end.get("id") == "PublicationCompensated"
    assert end.get("name") == "Back to draft"
    outside = [node for node in path if by_id(node) not in list(process())]
    assert not outside, f"compensation steps inside a sub-process: {outside}"


def test_the_compensation_note_is_associated_to_unlock_prices() -> None:
    associations = list(elements("association"))
    annotations = {a.get("id"): a for a in elements("textAnnotation")}

    assert [(a.get("sourceRef"), a.get("targetRef") in annotations) for a in associations] == [
        ("UnlockPrices", True)
    ]
    note = annotations[associations[0].get("targetRef")].findtext(bpmn("text"), "")
    assert "compensation" in note.lower()


# -- well-formed for the engine ---------------------------------------------------------------


def test_every_sequence_flow_connects_flow_nodes_of_its_own_scope() -> None:
    checked = 0
    for container in containers():
        nodes = {child.get("id") for child in container if local(child) in FLOW_NODES}
        for flow in (child for child in container if child.tag == bpmn("sequenceFlow")):
            assert flow.get("sourceRef") in nodes, (flow.get("id"), flow.get("sourceRef"))
            assert flow.get("targetRef") in nodes, (flow.get("id"), flow.get("targetRef"))
            checked += 1

    assert checked == len(flows()) > 0


def test_the_incoming_and_outgoing_references_agree_with_the_sequence_flows() -> None:
    declared: set[tuple[str, str, str]] = set()
    for node in elements(*FLOW_NODES):
        for direction in ("incoming", "outgoing"):
            declared |= {
                (node.get("id", ""), direction, (ref.text or "").strip())
                for ref in node.findall(bpmn(direction))
            }
    expected = {
        (flow.get(end, ""), direction, flow.get("id", ""))
        for flow in flows()
        for end, direction in (("sourceRef", "outgoing"), ("targetRef", "incoming"))
    }

    assert declared == expected


def test_every_container_holds_only_known_elements() -> None:
    # The diagram test below counts on knowing every flow node.
    known = FLOW_ELEMENTS | ARTIFACTS | CONTAINER_DETAILS | {"laneSet"}
    unknown = [
        (container.get("id"), child.tag)
        for container in containers()
        for child in container
        if child.tag.rpartition("}")[0] != f"{{{BPMN}" or local(child) not in known
    ]

    assert not unknown, unknown


def test_associations_and_annotations_come_after_all_flow_elements() -> None:
    # Camunda validates against the BPMN XSD: artifacts after flow elements, or no deployment.
    checked = 0
    for container in containers():
        kinds = [local(child) for child in container if child.tag.startswith(f"{{{BPMN}}}")]
        artifacts = [i for i, kind in enumerate(kinds) if kind in ARTIFACTS]
        flow_elements = [i for i, kind in enumerate(kinds) if kind in FLOW_ELEMENTS]
        if artifacts:
            assert max(flow_elements) < min(artifacts), (container.get("id"), kinds)
            checked += len(artifacts)

    assert checked == len(list(elements(*ARTIFACTS))) > 0


# -- the diagram ------------------------------------------------------------------------------


def test_the_diagram_draws_the_process() -> None:
    assert plane().get("bpmnElement") == PROCESS_ID


def test_every_flow_node_sub_process_and_annotation_has_a_shape_with_bounds() -> None:
    drawn = list(elements(*FLOW_NODES, "textAnnotation"))
    ids = {element.get("id", "") for element in drawn}

    assert len(ids) == len(drawn) > 0
    assert ids - set(shapes()) == set(), "elements without a shape"
    assert set(shapes()) - ids == set(), "shapes of elements that do not exist"
    for element_id in ids:
        box(element_id)
    assert shapes()["Publish"].get("isExpanded") == "true"


def test_every_sequence_flow_and_association_has_an_edge_with_two_waypoints() -> None:
    connections = {element.get("id", "") for element in elements("sequenceFlow", "association")}

    assert connections == set(edges())
    for connection in sorted(connections):
        waypoints = edges()[connection].findall(f"{{{DI}}}waypoint")
        assert len(waypoints) >= 2, f"{connection} has {len(waypoints)} waypoints"


def test_the_boundary_events_sit_on_the_sub_process_border() -> None:
    left, top, right, bottom = box("Publish")
    for event in ("PublicationFailed", "PublicationTimedOut"):
        x, y = centre(event)
        on_a_side = (x in (left, right) and top <= y <= bottom) or (
            y in (top, bottom) and left <= x <= right
        )
        assert on_a_side, f"{event} is centred at {(x, y)}, off the border of {box('Publish')}"


def test_the_shapes_do_not_overlap() -> None:
    publish = box("Publish")
    inner = {child.get("id", "") for child in by_id("Publish") if local(child) in FLOW_NODES}
    boundary = {event.get("id", "") for event in elements("boundaryEvent")}
    outer = set(shapes()) - inner - boundary - {"Publish"}

    assert inner and outer
    for element_id in inner:
        assert inside(box(element_id), publish), f"{element_id} sticks out of Publish"
    for element_id in outer:
        assert not overlap(box(element_id), publish), f"{element_id} overlaps Publish"
    small = sorted(inner | outer | boundary)
    for i, first in enumerate(small):
        for second in small[i + 1 :]:
            assert not overlap(box(first), box(second)), f"{first} overlaps {second}"


def test_the_paths_run_left_to_right_with_the_compensation_path_below_the_happy_path() -> None:
    happy = walk_from(sub_process_start())
    compensation = walk_from("UnlockPrices")
    for path in (happy, compensation, ["PublicationRequested", "Publish", "Published"]):
        lefts = [box(node)[0] for node in path]
        assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts), (path, lefts)
    happy_bottom = max(box(node)[3] for node in happy)
    assert all(box(node)[1] > box("Publish")[3] > happy_bottom for node in compensation)
