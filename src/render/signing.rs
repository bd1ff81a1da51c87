//! The pages of signing and withdrawing: the sign form (blank, or given
//! back with what was refused), the thank-you page with its withdrawal
//! code, and the withdrawal form and its answer.

use super::*;
use crate::domain::Website;

impl Renderer {
    /// The sign form. `token` is the form token (or the cache's marker);
    /// `error`, a field and what is wrong with it, is shown by that field
    /// and tied to it, so a screen reader says it when the field is reached.
    pub fn sign_form(&self, token: &str, values: &FormValues, error: Option<(Field, &str)>) -> Markup {
        let wrong = |f: Field| error.filter(|(e, _)| *e == f).map(|(_, why)| why);
        let described = |f: Field| wrong(f).map(|_| format!("{}-error", f.id()));
        let message = |f: Field| {
            html! { @if let Some(why) = wrong(f) { span.error id={ (f.id()) "-error" } { (why) } } }
        };
        let w = &self.words;
        html! {
            form.sign method="post" action=(self.at("/sign")) {
                input type="hidden" name="token" value=(token);
                p {
                    label for="name" { (w.field_label(Field::Name)) " " span.req { (self.t(Text::Required)) } }
                    (message(Field::Name))
                    input #name type="text" name="name" required maxlength="300" autocomplete="off" dir="auto" value=(values.name)
                        aria-invalid=[wrong(Field::Name).map(|_| "true")] aria-describedby=[described(Field::Name)];
                }
                fieldset #kind aria-describedby=[described(Field::Kind)] {
                    legend { (w.field_label(Field::Kind)) }
                    (message(Field::Kind))
                    @for kind in [Kind::Individual, Kind::Organization, Kind::Company] {
                        label.choice {
                            input type="radio" name="kind" value=(kind.as_str()) checked[values.kind == kind.as_str()];
                            " " (w.kind_article(kind))
                        }
                    }
                }
                p {
                    label for="affiliation" { (w.field_label(Field::Affiliation)) " " span.opt { (self.t(Text::Optional)) } }
                    (message(Field::Affiliation))
                    input #affiliation type="text" name="affiliation" maxlength="400" autocomplete="off" dir="auto" value=(values.affiliation)
                        aria-invalid=[wrong(Field::Affiliation).map(|_| "true")] aria-describedby=[described(Field::Affiliation)];
                }
                p {
                    label for="country" { (w.field_label(Field::Country)) " " span.opt { (self.t(Text::Optional)) } }
                    (message(Field::Country))
                    input #country type="text" name="country" maxlength="120" autocomplete="off" dir="auto" value=(values.country)
                        aria-invalid=[wrong(Field::Country).map(|_| "true")] aria-describedby=[described(Field::Country)];
                }
                p {
                    label for="website" { (w.field_label(Field::Website)) " " span.opt { (self.t(Text::Optional)) } }
                    span.note #website-about { (self.t(Text::WebsiteAbout)) }
                    (message(Field::Website))
                    input #website type="text" name="website" maxlength="300" autocomplete="off" dir="ltr" inputmode="url" spellcheck="false" value=(values.website)
                        aria-invalid=[wrong(Field::Website).map(|_| "true")]
                        aria-describedby={ "website-about" @if let Some(d) = described(Field::Website) { " " (d) } };
                }
                p {
                    label.choice {
                        input type="checkbox" name="listed" value="yes" checked[values.listed];
                        " " (self.t(Text::ShowMyName))
                    }
                }
                // A field people do not see; bots that fill every field do.
                p.hp aria-hidden="true" {
                    label for="homepage" { (self.t(Text::HoneypotLabel)) }
                    input #homepage type="text" name="homepage" tabindex="-1" autocomplete="off" value="";
                }
                p { button type="submit" { (self.t(Text::SignTheLetter)) } }
            }
        }
    }

    /// The thank-you page, with the withdrawal code shown once, and for an
    /// organisation or company that gave its website, the line that
    /// proves its signature and where to publish it.
    pub fn thank_you(
        &self,
        name: &str,
        status: Status,
        listed: bool,
        code: &str,
        proof: Option<(Website, String)>,
    ) -> String {
        self.frame(
            &self.t(Text::ThankYou),
            html! {
                h1 { (self.t(Text::ThankYouHeading)) }
                p { (self.tf(Text::RecordedAs, &[("name", name.into())])) }
                @match (status, listed) {
                    (Status::Published, true) => p { (self.t(Text::NowPublished)) },
                    (Status::Published, false) => p { (self.t(Text::CountedNotShown)) },
                    (Status::Pending, true) => p { (self.t(Text::AwaitsReviewPublished)) },
                    (Status::Pending, false) => p { (self.t(Text::AwaitsReviewCounted)) },
                }
                section.code {
                    h2 { (self.t(Text::YourWithdrawalCode)) }
                    p { (self.t(Text::KeepThisCode)) }
                    p.code { code { (code) } }
                    p { a href=(self.at("/withdraw")) { (self.t(Text::WithdrawASignature)) } }
                }
                @if let Some((domain, line)) = &proof {
                    section.code {
                        h2 { (self.t(Text::ProveYourSignature)) }
                        p { (self.tf(Text::PublishThisLine, &[("domain", domain.as_str().into())])) }
                        p.code { code dir="ltr" { (line) } }
                        p { (self.t(Text::PublishItAt)) }
                        p.code { code dir="ltr" { (domain.proof_url()) } }
                        p { (self.t(Text::ProofFileAbout)) }
                    }
                }
                (self.back_to_letter())
            },
        )
    }

    /// The withdrawal form, with a message after a refused try.
    pub fn withdraw_form(&self, message: Option<&str>) -> String {
        let heading = self.t(Text::WithdrawASignature);
        self.frame(
            &heading,
            html! {
                h1 { (heading) }
                @if let Some(m) = message { p.error role="alert" { (m) } }
                p { (self.t(Text::EnterCode)) }
                form method="post" action=(self.at("/withdraw")) {
                    p {
                        label for="code" { (self.t(Text::WithdrawalCode)) }
                        input #code type="text" name="code" required maxlength="100" autocomplete="off" spellcheck="false";
                    }
                    p { button type="submit" { (self.t(Text::WithdrawMine)) } }
                }
            },
        )
    }

    /// A withdrawal done.
    pub fn withdrawn(&self) -> String {
        self.frame(
            &self.t(Text::SignatureWithdrawn),
            html! {
                h1 { (self.t(Text::YourSignatureWithdrawn)) }
                p { (self.t(Text::RemovedEverywhere)) }
                (self.back_to_letter())
            },
        )
    }

    /// A refused signature: the reason, and the form again with what the
    /// visitor typed, so nothing is lost.
    pub fn sign_refused(
        &self,
        heading: &str,
        reason: &str,
        field: Option<Field>,
        token: &str,
        values: &FormValues,
    ) -> String {
        self.frame(
            heading,
            html! {
                h1 { (heading) }
                // The summary comes first and links to the field, as the
                // GOV.UK error summary does; the field repeats the reason.
                div.summary role="alert" {
                    @match field {
                        Some(f) => {
                            p { (self.t(Text::ProblemWithForm)) }
                            ul { li { a href={ "#" (f.id()) } { (reason) } } }
                        }
                        None => p.error { (reason) },
                    }
                }
                p { (self.t(Text::EntriesKept)) }
                (self.sign_form(token, values, field.map(|f| (f, reason))))
            },
        )
    }
}
