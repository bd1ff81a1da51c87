# undersign: the words of the site, in English.
#
# One file per language: locales/TAG/undersign.ftl, where TAG is the
# language's tag (es, fa, zh-Hans) and the path prefix its pages are served
# under (/es/, /fa/). Copy this file to add a language; the site lists the
# languages it finds here. A message missing from a translation is shown in
# English. Keep every { $placeable } as it is; translate the rest.

## The language itself: its name in itself, and its direction (ltr or rtl).

language-name = English
language-direction = ltr

# The shipped languages named as a sentence of this language names them.
language-name-of-en = English
language-name-of-es = Spanish
language-name-of-fa = Persian
language-name-of-ru = Russian
language-name-of-zh-Hans = Chinese (Simplified)

## Refusals and errors: a heading, and what went wrong and what to do.

not-found-heading = Page not found
not-found = There is no page at this address.
method-heading = Not possible here
method = This address does not take that kind of request.
bad-page-number-heading = Bad page number
bad-page-number = The page number must be a whole number, 1 or more.
no-such-page-heading = No such page
no-such-page = This list has fewer pages.
search-too-long-heading = Search too long
search-too-long = Please search for at most 100 characters.
scan-failed-heading = Not available just now
scan-failed = This list could not be read just now. Please try again in a few minutes.
busy-heading = Busy just now
busy = Many people are searching the list or downloading it at this moment. Please try again in a few seconds. Signing is not affected.
snapshot-not-ready-heading = Not signed yet
snapshot-not-ready = The first signed snapshot of the list is still being made. Please try again in a minute.
not-a-form-heading = Form not understood
not-a-form = Please send the form from this site's page.
form-too-large-heading = Form too large
form-too-large = The form sent was larger than 16 KiB. Please shorten what you typed.
form-too-slow-heading = Form too slow
form-too-slow = The form took too long to arrive. Please send it again.
form-incomplete-heading = Form incomplete
form-incomplete = The form did not arrive whole. Please send it again.
form-ambiguous-heading = Form not understood
form-repeated = The form named a field more than once, so it is not clear what was meant. Please send the form from this site's page.
form-not-text = The form held bytes that are not text. Please type your entries again and send the form from this site's page.
bad-request-heading = Request not understood
no-host = The request did not say, exactly once, which site it is for. Please open the site's address in a browser.
bad-host = The request named its site in a form that is not an address. Please open the site's address in a browser.
bad-target = The address asked for holds bytes that are not text. Please check the address.
header-too-large-heading = Request too large
header-too-large = A line of the request was longer than 8 KiB. Please open the site's address in a browser.
bad-framing = The request gave its length in two ways at once, so it is not clear where it ends.
bad-syntax = The request is not well-formed HTTP. Please open the site's address in a browser.
wrong-host = This console answers only to its own address. Please open it at the address you were given.
honeypot-heading = Form not accepted
honeypot = A field meant to stay empty was filled in. If you use a form-filling tool, clear that field and send the form again.
token-forged-heading = Form not recognized
token-forged = This form was not served by this site, or it was changed on the way. Please use the form below.
token-expired-heading = Form expired
token-expired = This form is more than a day old. Please send it again with the fresh form below.
too-fast-heading = Too fast
too-fast = The form came back faster than a person can fill it in. Please wait a few seconds and send it again.
check-form-heading = Please check the form
throttled-heading = Please wait
throttled = Too many signatures are arriving from your connection or in all. Please wait a minute, then send the form again.
token-used-heading = Already signed with this form
token-used = This form was sent before and its signature is recorded. To sign for someone else, open the letter again for a fresh form.
duplicate-heading = Already signed
duplicate-organization = An organization named “{ $name }” has already signed the letter.
duplicate-company = A company named “{ $name }” has already signed the letter.
duplicate-individual = An individual named “{ $name }” has already signed the letter.
queue-full-heading = Please come back later
queue-full = Many signatures are waiting for review just now. Please send the form again later.
paused-heading = Signing is paused
paused = The organizers have paused signing for now. Please come back later; your entries are kept below.
closed-heading = The letter is closed
closed = This letter no longer takes signatures.
not-saved-heading = Not saved
not-saved = Your signature could not be saved just now, so it was not recorded. Please send the form again in a few minutes.
signing-stopped-heading = Signing is unavailable
signing-stopped = Signatures cannot be recorded just now, so yours was not. The organizers have been told; please come back later.
withdraw-code-missing = Please enter your withdrawal code.
withdraw-code-unknown = No signature has this withdrawal code. Check it for typing mistakes; a signature already withdrawn is gone.
withdraw-failed-heading = Not done
withdraw-failed = The signature could not be removed just now. Please try again in a few minutes.
withdraw-stopped-heading = Withdrawal is unavailable
withdraw-stopped = Signatures cannot be removed just now, so yours is still there. The organizers have been told; please come back later.
signed-out-heading = Signed out
signed-out = Your session has ended. Please sign in again.
no-such-signature-heading = No such signature
no-such-signature = It may have been rejected, deleted or withdrawn.
bad-login = That name and passphrase do not match. Each wrong try makes the next one wait longer.
console-unreadable = The store could not be read just now; the server's log says why. Try again, and if it persists, see the README on restoring the store.
sign-in-busy = Too many sign-in attempts are waiting, so this one was not checked. Wait a minute, then try again.
csrf-heading = Form not accepted
csrf = This form did not come from your current session. Go back, reload the page and try again.
not-done-heading = Not done
choose-reason = Choose a reason to reject.
confirm-close = To close the letter for good, tick the box that confirms it.
select-one = Select at least one signature.
unknown-action = Unknown action.
console-not-saved = The change could not be written to disk. Nothing was changed; please try again.

## The sign form's fields, and what can be wrong with one: a sentence
## that names the field ({ $field }, its label) and, for one too long, its
## limit ({ $max } characters).

label-name = Name
label-kind = Signing as
label-affiliation = Title, employer or city
label-country = Country
field-required = { $field } is required.
field-no-letter = { $field } must contain at least one letter.
field-too-long = { $field } is too long: at most { $max } characters.
field-too-many-marks = { $field } has too many accents stacked on one letter.
field-unknown-kind = { $field }: choose an individual, an organization or a company.

## The kinds of signatory.

kind-plural-organization = Organizations
kind-plural-company = Companies
kind-plural-individual = Individuals
kind-lower-organization = organizations
kind-lower-company = companies
kind-lower-individual = individuals
kind-article-organization = an organization
kind-article-company = a company
kind-article-individual = an individual
kind-singular-organization = organization
kind-singular-company = company
kind-singular-individual = individual
kind-count-organization = { $count ->
    [one] { $count } organization
   *[other] { $count } organizations
}
kind-count-company = { $count ->
    [one] { $count } company
   *[other] { $count } companies
}
kind-count-individual = { $count ->
    [one] { $count } individual
   *[other] { $count } individuals
}
kind-all-organization = All { $count } organizations
kind-all-company = All { $count } companies
kind-all-individual = All { $count } individuals
# Which kinds a moderator sees before they are published: $kinds names
# them in this order, joined by "-".
kinds-reviewed = { $kinds ->
    [organization] Signatures by organizations are seen by a moderator before they are published.
    [company] Signatures by companies are seen by a moderator before they are published.
    [individual] Signatures by individuals are seen by a moderator before they are published.
    [organization-company] Signatures by organizations and companies are seen by a moderator before they are published.
    [organization-individual] Signatures by organizations and individuals are seen by a moderator before they are published.
    [company-individual] Signatures by companies and individuals are seen by a moderator before they are published.
   *[organization-company-individual] Every signature is seen by a moderator before it is published.
}

## Every page.

skip-to-content = Skip to content
verified-title = verified by the organizers
nav-site = Site
nav-languages = Languages
nav-pages = Pages
the-letter = The letter
search-signatories = Search signatories
withdraw-a-signature = Withdraw a signature
privacy = Privacy
open-data = Open data:
back-to-letter = Back to the letter

## The letter page and its form.

required = (required)
optional = (optional)
show-my-name = Show my name in the public list. Unticked, your signature is counted but your name is never shown or exported.
honeypot-label = Leave this field empty
sign-the-letter = Sign the letter
counts-total = { $count ->
    [0] No signatures yet.
    [one] { $count } signature
   *[other] { $count } signatures
}
counts-join = : { $organization }, { $company }, { $individual }.
more-await-review = { $count ->
    [one] { $count } more awaits review.
   *[other] { $count } more await review.
}
have-signed = { $count ->
    [0] No one has signed yet. Be the first: sign the letter ↓
    [one] { $count } has signed. Sign the letter ↓
   *[other] { $count } have signed. Sign the letter ↓
}
review-note = Individuals are listed at once. Organizations and companies are shown once a moderator has checked them.
privacy-note = We keep no address, browser details or time of day.
what-we-store = What we store
signing-paused = Signing is paused
paused-notice = The organizers have paused signing for now. Please come back later.
letter-closed = This letter is closed
closed-on = { $count ->
    [0] It closed on { $day } with no signatures.
    [one] It closed on { $day } with its final count of { $count } signature.
   *[other] It closed on { $day } with its final count of { $count } signatures.
}
signatories = Signatories
find-a-name = Find a name
search = Search
translation-note = This is a translation. The original, in { $language }, is the authoritative text.
read-the-original = Read the original
untranslated-note = This letter has not been translated into this language yet. It is shown in the original, in { $language }.

## Lists and search.

kind-title = { $kind } ({ $count })
previous = ← Previous
next = Next →
page-of = Page { $page } of { $pages }
type-part-of-name = Type part of a name. Case and accents do not matter.
no-match = No published signatory matches { $query }.
found = { $count } found.
found-more = { $count }+ found.
browse = Browse:

## Signing and withdrawing.

thank-you = Thank you
thank-you-heading = Thank you for signing
recorded-as = Your signature as { $name } is recorded.
now-published = Your name is now published on the letter.
counted-not-shown = It is counted, and your name will not be shown or exported.
awaits-review-published = It awaits review by a moderator before it is published.
awaits-review-counted = It awaits review by a moderator before it is counted.
your-withdrawal-code = Your withdrawal code
keep-this-code = Keep this code if you may want to remove your signature later. It is shown only this once; we keep only a scrambled form of it, so we cannot show it to you again.
enter-code = Enter the withdrawal code you were shown after signing. The signature is removed for good.
withdrawal-code = Withdrawal code
withdraw-mine = Withdraw my signature
signature-withdrawn = Signature withdrawn
your-signature-withdrawn = Your signature is withdrawn
removed-everywhere = It is removed from the letter, the counts and the open data, and from our store.
problem-with-form = There is a problem with the form:
entries-kept = Your entries are kept below; correct them if needed and send the form again.

## The privacy page.

store-name = What you type in the form: your name, whether you sign as an individual, organization or company, and, if you give them, your title, employer or city and your country.
store-listed = Whether your name may be shown. If not, your signature is counted but your name is never shown or exported.
store-day = The day (not the time) you signed.
store-code-hash = A scrambled form of your withdrawal code, so you can remove your signature; not the code itself.
store-nonce = A number from the form you used (its place in the order the server handed out forms, and random digits; no time), so one form cannot sign twice; forgotten after a day or two.
kept-until = Your signature is kept until you withdraw it or the organizers remove it. Published names appear on this site and in its open data (JSON and CSV), which anyone may copy.
what-we-never-store = What we never store
never-address = Your IP address or Tor circuit.
never-browser = Your browser, its settings or its user agent, or the page you came from.
never-time = The time of day you visited or signed.
never-cookies = Cookies: this site sets none. It runs no JavaScript and loads nothing from anywhere else.
no-access-log = The server keeps no access log.
snapshots-heading = Signed snapshots and copies
snapshots-intro = This site signs a snapshot of its public list: the letter, the published names that may be shown, and the counts, with the day (not the time) it was signed. Anyone may copy one, for example to run a mirror of this site; anyone can check that a copy is the site's own, unchanged, with the program minisign and this site's public key:
snapshots-download = Download these two files into one folder:
snapshots-run = then run:
snapshots-prove = A signed snapshot proves what the list held on its day, and a snapshot is signed again at least every few days.
snapshots-hold-nothing = Snapshots hold nothing that this site does not show: no names that wait for review, no names that may not be shown, nothing about withdrawals or the moderators.
withdraw-copies-strong = Withdrawing a signature removes it here and from every snapshot signed afterwards, but not from copies made before.
withdraw-copies-rest = Mirrors and copies made before a withdrawal may still show the name, and a snapshot signed before it still proves that the name was on the list that day.
disclaimer = Disclaimer

## Mirrors
mirror-not-ready-heading = Not copied yet
mirror-not-ready = This mirror has not yet fetched and verified a snapshot of the letter from its origin. Please try again in a few minutes.
mirror-title = A mirror of { $origin }
mirror-of = This is a mirror of
mirror-as-of = , as of { $day } (snapshot { $seq }). Signing happens only at the origin:
mirror-sign-there = sign the letter there
mirror-stale = This copy's snapshot expired on { $day }: this mirror cannot confirm that the list is current.
mirror-refused-unreachable = This mirror could not reach its origin at its last update, so it keeps showing its last verified snapshot.
mirror-refused-too-large = The origin's newest snapshot is larger than this mirror accepts, so it keeps showing its last verified snapshot.
mirror-refused-bad-signature = The origin's newest snapshot failed its signature check: it was changed after it was signed. This mirror keeps showing its last verified snapshot.
mirror-refused-wrong-key = The origin's newest snapshot is signed by another key than the one this mirror trusts, so it keeps showing its last verified snapshot.
mirror-refused-malformed = The origin's newest snapshot is not a well-formed snapshot, so this mirror keeps showing its last verified snapshot.
mirror-refused-other-letter = The origin's newest snapshot is of another letter, so this mirror keeps showing its last verified snapshot.
mirror-refused-rollback = The origin offered snapshot { $found }, older than snapshot { $trusted } that this mirror already holds (a rollback), so it keeps showing its last verified snapshot.
mirror-refused-equivocation = The origin signed two different lists as snapshot { $seq }. This mirror keeps both as evidence, and keeps showing the one it verified first.
mirror-refused-fork = The origin's snapshot { $seq } does not follow the snapshot this mirror holds: the origin signed another list under an earlier number. This mirror keeps showing its last verified snapshot.
mirror-refused-expired = The origin's newest snapshot expired on { $expires } and it has signed no newer one, so this mirror keeps showing its last verified snapshot.
mirror-none-unreachable = This mirror has not been able to reach its origin, so it has no copy of the letter to show yet. It keeps trying; the letter itself is at { $origin }.
mirror-none-refused = This mirror has no copy of the letter to show: the snapshot its origin offers did not pass this mirror’s checks, and waiting will not change that until the mirror’s operator acts. The letter itself is at { $origin }.
mirror-takes-no-signatures = This mirror takes no signatures.
mirror-sign-at = Sign the letter at { $origin }
withdraw-at-the-origin = Withdraw a signature (at the origin)
mirror-privacy-intro = This mirror shows a signed snapshot of the list published at
mirror-privacy-rest = . It takes no signatures and keeps nothing about its visitors: no address, no browser details, no time of visit, no cookies and no access log. It runs no JavaScript and loads nothing from anywhere else.
mirror-checking-heading = Checking this copy
mirror-signed-by = The snapshot it shows is signed by the origin's key:
mirror-download = Download
mirror-download-and = and
mirror-download-then-run = into one folder, then run
mirror-withdrawal-reaches = A withdrawal reaches this mirror at its next update, not before.

## The moderation console (one language per deployment: `admin_language`).

console-moderation = Moderation
console-queue = Review queue
console-published = Published
console-audit = Audit
console-signed-in-as = Signed in as
console-sign-out = Sign out
console-reason = Reason
console-choose-reason = reason…
console-sign-in-title = Sign in
console-sign-in-heading = Moderation: sign in
console-no-moderators = No moderator has a passphrase yet. To set one, run this on the server:
console-moderator = Moderator
console-passphrase = Passphrase
console-sign-in = Sign in
console-overview = Overview
console-kind = Kind
console-listed = Of which listed
console-awaiting = Awaiting review
console-signing = Signing
console-signing-open = Signing is open.
console-pause = Pause signing
console-signing-paused = Signing is paused: the public form says so.
console-resume = Resume signing
console-closed-on = { $count ->
    [0] The letter was closed on { $day } with no signatures.
    [one] The letter was closed on { $day } with { $count } signature.
   *[other] The letter was closed on { $day } with { $count } signatures.
}
console-closing-heading = Closing the letter
console-closing-note = Closing is final: the page shows the final count and takes no more signatures.
console-close = Close the letter for good
console-confirm-close = Yes, close it: no more signatures, ever
console-retention = Retention
console-purged = Private fields were purged.
console-purge-on = On { $day } ({ $days } days after closing) these are purged for good: { $codes ->
    [one] { $codes } withdrawal code
   *[other] { $codes } withdrawal codes
}, { $tokens ->
    [one] { $tokens } used form token
   *[other] { $tokens } used form tokens
}, and the affiliation and country of { $unlisted ->
    [one] { $unlisted } unlisted signer.
   *[other] { $unlisted } unlisted signers.
}
console-purge-after = { $days } days after the letter closes, these are purged for good: { $codes ->
    [one] { $codes } withdrawal code
   *[other] { $codes } withdrawal codes
}, { $tokens ->
    [one] { $tokens } used form token
   *[other] { $tokens } used form tokens
}, and the affiliation and country of { $unlisted ->
    [one] { $unlisted } unlisted signer.
   *[other] { $unlisted } unlisted signers.
}
console-names-leave = The names of rejected signatures leave the audit list then too (those of deleted and withdrawn ones leave it at once); what was done, why and on which day stay.
console-all = all
console-flag = Flag
console-any = any
console-filter = Filter
console-nothing-waits = Nothing waits for review here.
console-select = Select
console-name = Name
console-affiliation = Affiliation
console-country = Country
console-flags = Flags
console-day = Day
console-unlisted = (unlisted)
console-approve-selected = Approve selected
console-or = or
console-reject-selected = Reject selected
console-older = Older →
console-signature-title = Signature #{ $id }
console-verified = ✓ verified
console-shown-publicly = Shown publicly
console-yes = yes
console-counted-only = no (counted only)
console-state = State
console-state-published = published
console-state-pending = awaiting review
console-none = none
console-arrived = Arrived
console-looks-like = Looks like
console-approve = Approve
console-reject = Reject
console-unpublish = Unpublish (back to the queue)
console-unverify = Remove the verified mark
console-verify = Mark as verified
console-edit-heading = Edit what is shown
console-save = Save
console-delete-heading = Delete
console-delete-note = Removes the signature for good, as when its signer asks for it to be taken down.
console-delete-for-good = Delete for good
console-published-title = Published { $kind }
console-none-on-page = None on this page.
console-audit-note = What moderators did, newest first. It names moderators and signatures, never visitors.
console-action = Action
console-signature = Signature
console-back = Back to the console
console-done = { $action ->
    [approve] { $count ->
        [one] Approved { $count } signature: it is published.
       *[other] Approved { $count } signatures: they are published.
    }
    [reject] { $count ->
        [one] Rejected { $count } signature.
       *[other] Rejected { $count } signatures.
    }
    [pause] Signing is paused.
    [resume] Signing is open again.
    [close] The letter is closed.
    [edit] Saved.
    [verify] Marked as verified.
    [unverify] The verified mark is removed.
    [unpublish] Unpublished: it is back in the review queue.
    [delete] Deleted for good.
   *[other] Done.
}

## Flags on a signature: a short name, and what it means.

flag-duplicate = duplicate
flag-about-duplicate = the same name has signed before
flag-look-alike = look-alike
flag-about-look-alike = looks like another signatory's name
flag-mixed-script = mixed scripts
flag-about-mixed-script = mixes letters of different scripts
flag-url = web address
flag-about-url = contains a web address
flag-formula = formula
flag-about-formula = starts like a spreadsheet formula

## Reasons to reject a signature.

reason-fake = fake
reason-duplicate = duplicate
reason-offensive = offensive
reason-spam = spam
reason-other = other

## The audit list: what a moderator did.

audit-approved = approved
audit-rejected = rejected ({ $reason })
audit-edited = edited (was “{ $previous }”)
audit-verified = verified
audit-unverified = unverified
audit-unpublished = unpublished
audit-deleted = deleted
audit-signing-opened = opened signing
audit-signing-paused = paused signing
audit-letter-closed = closed the letter
audit-imported = imported { $what }
audit-purged = purged private fields

## letter

letter-amended-on = This letter was amended on { $day }.
letter-earlier-versions = Earlier versions of this letter
letter-version-from = Version { $number }, in force from { $day }
letter-version-not-here = This copy does not hold its text. Its SHA-256 digest is { $digest }.
console-letter-version = Letter version

## replica

origin-unreachable-heading = The letter's server cannot be reached
sign-origin-unreachable = This copy of the letter passes signatures on to the letter's own server, which cannot be reached just now. Nothing was recorded and nothing was kept here. Please send the form again in a minute.
withdraw-origin-unreachable = This copy of the letter passes withdrawals on to the letter's own server, which cannot be reached just now. Nothing was removed yet. Please try again in a minute with the same code.
replica-name-soon = This copy of the letter shows new names within { $seconds ->
        [one] one second
       *[other] { $seconds } seconds
    }: if yours is listed and not shown here yet, it will be soon.

## proof: organisations and companies prove their signature from their own website.

proven-by = proven by { $domain }
label-website = Website
website-about = Organizations and companies only: your website's domain, such as example.org. You will get a line to publish there, which proves that your organization signed.
field-not-a-website = { $field }: give a domain such as example.org, or an address beginning with https://.
field-website-not-for-individuals = { $field }: only organizations and companies give a website. Leave it empty to sign as an individual.
prove-your-signature = Prove that your organization signed
publish-this-line = To show “proven by { $domain }” beside your name, publish this line exactly as it is:
publish-it-at = in a plain-text file at this address:
proof-file-about = The file may hold lines for other letters too, one per line. Once the line is found, the list shows the proof; if the line is removed, the proof goes too.
console-proof = Proof
console-proof-held = found on { $domain }
console-proof-pending = not found on { $domain }
console-proof-checked = last checked { $day }
console-proof-never-checked = not checked yet
console-check-now = Check now
console-check-asked = A check was asked for. Reload this page in a few seconds to see what it found.
console-check-busy = Too many checks are waiting. Try again in a minute.
proof-problem-unreachable = the website could not be reached
proof-problem-certificate = the website's certificate was refused (not valid for its name, or not from a trusted authority)
proof-problem-redirect = the website sent the request to another address
proof-problem-no-file = the file is not there (HTTP status { $status })
proof-problem-too-large = the file is larger than 64 KiB
proof-problem-line-missing = the file does not have the line
audit-proof-taken = proof found on { $domain }
audit-proof-lost = proof gone from { $domain }
store-website = For an organization or company that gives its website: the website, the line it is asked to publish there, and the day that line was last found.

## deliver
## The delivery edition (/deliver), the numbers (/numbers) and the badge (/badge.svg).

deliver-link = Delivery edition
deliver-title = Delivery edition
deliver-letter-version = Letter version
deliver-letter-digest = Letter digest (SHA-256)
deliver-proof-heading = How to check this list
deliver-snapshot = This list is the one in snapshot number { $seq }, signed by the site on { $day }.
deliver-snapshot-digest = SHA-256 of the snapshot file (snapshot.json)
deliver-public-key = The site's public key
deliver-verify = To check it, download snapshot.json and snapshot.json.minisig from the site or any mirror, then run:
deliver-verify-after = minisign says whether the site signed that file; sha256sum must print the snapshot's SHA-256 above. The names in the file are the names printed here.
numbers-link = Numbers
numbers-title = Signatures in numbers
numbers-intro = Published signatures whose names are shown, by the day they arrived and by country. A day or a country with fewer than { $count } is counted under “other”, so that no figure points at one person.
numbers-by-day = Signatures by day
numbers-by-country = Signatures by country
numbers-no-days = No day has { $count } or more yet.
numbers-day = Day
numbers-country = Country
numbers-count = Signatures
numbers-other-days = Other days
numbers-other-countries = Other or not given
numbers-day-caption = { $days ->
    [one] Signatures on one day, { $first }: { $most }.
   *[other] Signatures on { $days } days from { $first } to { $last }; at most { $most } in one day.
}
numbers-country-caption = The { $countries } countries with the most signatures, then all others.
badge-label = signatures
badge-title = { $count } signatures, as signed on { $day }
