// GOV.UK pattern: a form that comes back with errors puts the keyboard focus on its error
// summary, so the first Tab reaches the links to the fields. Without this script the summary is
// still announced (role="alert") and is the first thing in the main content.
document.querySelector('.error-summary')?.focus();
