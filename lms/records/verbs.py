"""The xAPI verbs the system writes and understands."""

ADL = "http://adlnet.gov/expapi/verbs/"

EXPERIENCED = ADL + "experienced"
COMPLETED = ADL + "completed"
ANSWERED = ADL + "answered"
ATTEMPTED = ADL + "attempted"
PASSED = ADL + "passed"
FAILED = ADL + "failed"
ATTENDED = ADL + "attended"
INTERACTED = "http://adlnet.gov/expapi/verbs/interacted"
PROGRESSED = "http://adlnet.gov/expapi/verbs/progressed"

KNOWN = {
    EXPERIENCED,
    COMPLETED,
    ANSWERED,
    ATTEMPTED,
    PASSED,
    FAILED,
    ATTENDED,
    INTERACTED,
    PROGRESSED,
}
