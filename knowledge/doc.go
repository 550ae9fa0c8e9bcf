// Package knowledge is the team knowledge base built by crowdsourcing: agents
// submit questions with their answers, supervisors review them, approved
// entries form the team's FAQ with an owner and a re-verification date, and
// questions nobody could answer are counted so the most frequent surface each
// week. It knows nothing of chat platforms; the handlers package turns chat
// commands into calls on Service.
//
// # Lifecycle
//
// An entry is pending when submitted, then approved (published) or rejected by
// a supervisor. An approved entry has an owner (the submitter unless changed)
// and a re-verification date, by default 90 days after approval or the last
// verification; a weekly job lists entries that are due. An approved entry is
// retired with a reason when it no longer holds; retired entries stay in the
// store for history and can be exported as disabled.
//
// A member cannot submit a question they already have pending or published
// (the same text, or at least DuplicateMin alike): Submit refuses it with
// ErrDuplicate and names the entry, unless the text starts with "!" or
// "强制" (Submission.Force). Somebody else's near-duplicate goes through; the
// similar entries come back for a hint.
//
// An /ask that a published entry answers well (Answer: a top search hit
// whose question or similar question is at least AnswerLinkMin alike) is
// answered from the knowledge base and not recorded as unanswered.
//
// # Quiz drafts
//
// ToQuiz makes an approved entry a single-choice question whose wrong options
// are other approved entries' answers, chosen so that none says what the
// right answer says: answers too alike by bigrams, containing it or
// contained in it, and entries asking the same question are skipped; entries
// of the same category come first. With fewer than MinDistractors the draft
// carries a Note for the supervisor to complete it.
//
// # Search
//
// Text is normalised (full-width folded, lower case) and cut into units: one
// unit per Han character, one per run of letters or digits. Search ranks
// approved entries with BM25F over unit bigrams (and, weakly, unigrams) in the
// question, similar questions, tags and answer. Similarity between two
// questions (the hint shown to a submitter, merging repeated /ask questions) is
// the Dice coefficient of their bigram sets. Both ignore function words such
// as 的、吗、怎么.
//
// # Storage
//
// Entries live in the collection "knowledge.entries" under "team/0000000042",
// numbered per team by the sequence "knowledge.id:team". Unanswered questions
// live in "knowledge.asks". Every change bumps the counter
// "knowledge.version"/team so a cached search index is rebuilt on any replica.
// Points go to the shared "points" ledger; quiz drafts to "quiz.drafts" (see
// QuizDraft).
package knowledge
