"""
A faithful transcription of LLM Compressor 0.12's hot loop, for bench/lifecycle.ts:
  - Event (core/events/event.py): a dataclass with epoch_based / epoch / epoch_full / current_index
    properties (current_index also does the "too many steps" check);
  - Modifier.update_event with should_start / should_end (modifiers/modifier.py);
  - CompressionLifecycle.event with the order check by list index (_validate_event_order) and the
    Event construction, dispatching to every modifier with **kwargs (core/lifecycle.py).

Differences, all chosen to compare like with like:
  - Modifier is a plain class, not a pydantic BaseModel (attribute reads cost the same; the rare
    flag writes would be slower under pydantic's __setattr__);
  - logger.debug calls are left out;
  - the Event carries global_step / steps_per_epoch / batches_per_step / global_batch, as llmc-sim's
    'default' fidelity does (upstream's Event(type_=...) would keep every schedule at index 0), so
    both sides call the same hooks. Hook counts are printed so the caller can check that.

Usage: python3 lifecycle_reference.py --steps 100000 --steps-per-epoch 1000   (prints one JSON line)
"""
import argparse
import json
import time
from dataclasses import dataclass
from enum import Enum
from typing import Optional


class EventType(Enum):
    INITIALIZE = "initialize"
    FINALIZE = "finalize"
    BATCH_START = "batch_start"
    LOSS_CALCULATED = "loss_calculated"
    BATCH_END = "batch_end"
    CALIBRATION_EPOCH_START = "calibration_epoch_start"
    SEQUENTIAL_EPOCH_END = "sequential_epoch_end"
    CALIBRATION_EPOCH_END = "calibration_epoch_end"
    OPTIM_PRE_STEP = "optim_pre_step"
    OPTIM_POST_STEP = "optim_post_step"


@dataclass
class Event:
    type_: Optional[EventType] = None
    steps_per_epoch: Optional[int] = None
    batches_per_step: Optional[int] = None
    invocations_per_step: int = 1
    global_step: int = 0
    global_batch: int = 0

    @property
    def epoch_based(self) -> bool:
        return self.steps_per_epoch is not None

    @property
    def epoch(self) -> int:
        if not self.epoch_based:
            raise ValueError("Event is not epoch based")
        return self.global_step // self.steps_per_epoch

    @property
    def epoch_full(self) -> float:
        if not self.epoch_based:
            raise ValueError("Event is not epoch based")
        return self.global_step / float(self.steps_per_epoch)

    @property
    def current_index(self) -> float:
        if not self.epoch_based:
            return self.global_step
        epoch_full = self.epoch_full
        if epoch_full - self.epoch > 1.0:
            raise ValueError("Too many steps per epoch for epoch based event")
        return epoch_full


class Modifier:
    def __init__(self, start=None, end=None, update=None):
        self.index = None
        self.group = None
        self.start = start
        self.end = end
        self.update = update
        self.initialized_ = False
        self.finalized_ = False
        self.started_ = False
        self.ended_ = False
        self.updates = 0

    def initialize(self, state, **kwargs):
        if self.initialized_:
            raise RuntimeError("Cannot initialize a modifier that has already been initialized")
        if self.finalized_:
            raise RuntimeError("Cannot initialize a modifier that has already been finalized")
        self.initialized_ = self.on_initialize(state=state, **kwargs)
        fake_start_event = Event(type_=EventType.BATCH_START, global_step=0)
        if self.should_start(fake_start_event):
            self.on_start(state, fake_start_event, **kwargs)
            self.started_ = True

    def update_event(self, state, event, **kwargs):
        if not self.initialized_:
            raise RuntimeError("Cannot update an uninitialized modifier")
        if self.finalized_:
            raise RuntimeError("Cannot update a finalized modifier")
        self.on_event(state, event, **kwargs)
        if event.type_ == EventType.BATCH_START and not self.started_ and self.should_start(event):
            self.on_start(state, event, **kwargs)
            self.started_ = True
            self.on_update(state, event, **kwargs)
            return
        if event.type_ == EventType.BATCH_END and not self.ended_ and self.should_end(event):
            self.on_end(state, event, **kwargs)
            self.ended_ = True
            self.on_update(state, event, **kwargs)
            return
        if self.started_ and not self.ended_:
            self.on_update(state, event, **kwargs)

    def should_start(self, event):
        if self.start is None:
            return False
        current = event.current_index
        return self.start <= current and (self.end is None or current < self.end)

    def should_end(self, event):
        current = event.current_index
        return self.end is not None and current >= self.end

    def on_initialize(self, state, **kwargs):
        return True

    def on_start(self, state, event, **kwargs):
        pass

    def on_update(self, state, event, **kwargs):
        self.updates += 1

    def on_end(self, state, event, **kwargs):
        pass

    def on_event(self, state, event, **kwargs):
        pass


class CompressionLifecycle:
    def __init__(self):
        self.state = object()
        self.modifiers = []
        self.initialized_ = False
        self.finalized = False
        self.global_step = 0
        self.steps_per_epoch = None
        self.batches_per_step = None
        self._last_event_type = EventType.BATCH_END
        self._event_order = [
            EventType.BATCH_START,
            EventType.LOSS_CALCULATED,
            EventType.OPTIM_PRE_STEP,
            EventType.OPTIM_POST_STEP,
            EventType.BATCH_END,
        ]

    def initialize(self, modifiers, steps_per_epoch=None, batches_per_step=None, **kwargs):
        self.steps_per_epoch = steps_per_epoch
        self.batches_per_step = batches_per_step
        self.modifiers = modifiers
        for mod in self.modifiers:
            mod.initialize(state=self.state, **kwargs)
        self.initialized_ = True
        return []

    def event(self, event_type, global_step=0, **kwargs):
        if not self.initialized_:
            raise ValueError("Cannot invoke event before initializing")
        if self.finalized:
            raise ValueError("Cannot invoke event after finalizing")
        if event_type in [EventType.INITIALIZE, EventType.FINALIZE]:
            raise ValueError(f"Cannot invoke {event_type} event. Use the corresponding method instead.")
        if not self._validate_event_order(event_type):
            raise ValueError(
                f"Lifecycle events must appear following order: {self._event_order}. "
                f"Instead, {self._last_event_type} was called before {event_type}"
            )
        if event_type == EventType.LOSS_CALCULATED and ("loss" not in kwargs or kwargs["loss"] is None):
            raise ValueError("Loss must be provided for loss calculated event")
        if global_step is not None:
            self.global_step = global_step
        b = self.batches_per_step
        event = Event(
            type_=event_type,
            steps_per_epoch=self.steps_per_epoch,
            batches_per_step=b,
            global_step=self.global_step,
            global_batch=self.global_step * b if b is not None and b >= 2 else self.global_step,
        )
        mod_data = []
        for mod in self.modifiers:
            data = mod.update_event(state=self.state, event=event, **kwargs)
            if data is not None:
                mod_data.append(data)
        return mod_data

    def _validate_event_order(self, event_type):
        if event_type not in self._event_order:
            return True
        if event_type == EventType.BATCH_START:
            valid = self._last_event_type != EventType.BATCH_START
        else:
            last_event_index = self._event_order.index(self._last_event_type)
            curr_event_index = self._event_order.index(event_type)
            valid = last_event_index <= curr_event_index
        if valid:
            self._last_event_type = event_type
        return valid


# The same eight schedules as bench/lifecycle.ts (epochs).
SCHEDULES = [
    dict(start=0, end=None),
    dict(start=2, end=5),
    dict(start=1, end=90, update=1),
    dict(start=10, end=None),
    dict(start=0.5, end=2.5),
    dict(start=None, end=None),
    dict(start=50, end=60, update=0.5),
    dict(start=0, end=99),
]


def run(steps, steps_per_epoch):
    lc = CompressionLifecycle()
    mods = [Modifier(**s) for s in SCHEDULES]
    lc.initialize(mods, steps_per_epoch=steps_per_epoch, batches_per_step=1)
    t0 = time.perf_counter()
    for g in range(steps):
        lc.event(EventType.BATCH_START, global_step=g, batch_data=None)
        lc.event(EventType.LOSS_CALCULATED, global_step=g, loss=0.5)
        lc.event(EventType.OPTIM_PRE_STEP, global_step=g)
        lc.event(EventType.OPTIM_POST_STEP, global_step=g)
        lc.event(EventType.BATCH_END, global_step=g)
    seconds = time.perf_counter() - t0
    return seconds, mods


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=100_000)
    p.add_argument("--steps-per-epoch", type=int, default=1000)
    a = p.parse_args()
    seconds, mods = run(a.steps, a.steps_per_epoch)
    events = a.steps * 5 * len(mods)
    print(json.dumps({
        "seconds": seconds,
        "modifierEvents": events,
        "modifierEventsPerSecond": events / seconds,
        "updates": [m.updates for m in mods],
        "flags": [[m.started_, m.ended_] for m in mods],
        "python": __import__("sys").version.split()[0],
    }))


if __name__ == "__main__":
    main()
