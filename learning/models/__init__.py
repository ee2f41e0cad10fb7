"""The learning app's models: the roadmap's structure (content.py) and what learners make
(learners.py)."""

from core.models import DepthKey, PublicationStatus

from .content import (
    Audience,
    Checklist,
    ChecklistItem,
    Depth,
    Path,
    PathQuerySet,
    PathSection,
    Phase,
    RoadmapInfo,
    Step,
    StepPaper,
    StepQuerySet,
)
from .digest import DigestSend, DigestSubscription
from .groups import (
    GroupMembership,
    GroupSharing,
    MembershipRole,
    MembershipState,
    StudyGroup,
    StudyGroupQuerySet,
)
from .insights import PathInsight
from .learners import (
    FINISHED_STATUSES,
    ChecklistTick,
    Enrollment,
    EnrollmentQuerySet,
    EnrollmentStatus,
    PlanSave,
    ProgressEvent,
    StepProgress,
    StepStatus,
)

__all__ = [
    "FINISHED_STATUSES",
    "Audience",
    "Checklist",
    "ChecklistItem",
    "ChecklistTick",
    "Depth",
    "DepthKey",
    "DigestSend",
    "DigestSubscription",
    "Enrollment",
    "EnrollmentQuerySet",
    "EnrollmentStatus",
    "GroupMembership",
    "GroupSharing",
    "MembershipRole",
    "MembershipState",
    "Path",
    "PathInsight",
    "PathQuerySet",
    "PathSection",
    "Phase",
    "PlanSave",
    "ProgressEvent",
    "PublicationStatus",
    "RoadmapInfo",
    "Step",
    "StepPaper",
    "StepProgress",
    "StepQuerySet",
    "StepStatus",
    "StudyGroup",
    "StudyGroupQuerySet",
]
