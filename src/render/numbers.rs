//! `/numbers`: published, listed signatures by day (a bar chart) and by
//! country (the largest twenty, then "other"), drawn on the server as
//! inline SVG, each with its `<title>`, a caption, and the same figures as
//! a table for screen readers. The figures come folded ([`Numbers`]): no
//! day or country under ten is shown on its own.

use super::Renderer;
use crate::messages::Text;
use crate::view::{Numbers, FOLD_BELOW};
use maud::{html, Markup};

/// The charts' drawing width, in SVG units: they scale to the page, at
/// most 32rem wide, so that their 12-unit text stays readable from a
/// 320 px phone to a desktop.
const WIDTH: u64 = 360;
/// The day chart's bar area height.
const DAY_HEIGHT: u64 = 120;
/// One country's row height.
const ROW: u64 = 20;
/// Room for the country names at the start of each row.
const LABEL: u64 = 118;

impl Renderer {
    /// The page of `numbers`.
    pub fn numbers_page(&self, numbers: &Numbers) -> String {
        let (title, main) = self.numbers_main(numbers);
        self.frame(&title, main)
    }

    /// The numbers page's title and main part.
    pub fn numbers_main(&self, numbers: &Numbers) -> (String, Markup) {
        let heading = self.t(Text::NumbersTitle);
        (
            heading.clone().into_owned(),
            html! {
                h1 { (heading) }
                p { (self.tf(Text::NumbersIntro, &[("count", FOLD_BELOW.into())])) }
                section aria-labelledby="by-day" {
                    h2 #by-day { (self.t(Text::NumbersByDay)) }
                    @if numbers.by_day.is_empty() {
                        p { (self.tf(Text::NumbersNoDays, &[("count", FOLD_BELOW.into())])) }
                    } @else {
                        (self.day_chart(numbers))
                    }
                    (self.figures_table(
                        Text::NumbersByDay,
                        Text::NumbersDay,
                        numbers.by_day.iter().map(|(d, n)| (d.to_string(), *n)),
                        (Text::NumbersOtherDays, numbers.other_days),
                    ))
                }
                section aria-labelledby="by-country" {
                    h2 #by-country { (self.t(Text::NumbersByCountry)) }
                    @if !numbers.by_country.is_empty() { (self.country_chart(numbers)) }
                    (self.figures_table(
                        Text::NumbersByCountry,
                        Text::NumbersCountry,
                        numbers.by_country.iter().map(|(c, n)| (c.clone(), *n)),
                        (Text::NumbersOtherCountries, numbers.other_countries),
                    ))
                }
            },
        )
    }

    /// A bar per day, earliest first, the first and last day written under.
    fn day_chart(&self, numbers: &Numbers) -> Markup {
        let days = &numbers.by_day;
        let max = days.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
        let slot = WIDTH / (days.len() as u64).max(1);
        let bar = (slot * 4 / 5).clamp(1, 24);
        let height = DAY_HEIGHT + 18;
        let caption = self.tf(
            Text::NumbersDayCaption,
            &[
                ("days", days.len().into()),
                ("first", days.first().map(|d| d.0.to_string()).unwrap_or_default().into()),
                ("last", days.last().map(|d| d.0.to_string()).unwrap_or_default().into()),
                ("most", max.into()),
            ],
        );
        html! {
            figure.chart {
                svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (height) }
                    role="img" aria-labelledby="day-title" {
                    title #day-title { (caption) }
                    line x1="0" y1=(DAY_HEIGHT) x2=(WIDTH) y2=(DAY_HEIGHT) stroke="currentColor" stroke-width="1" {}
                    @for (i, (day, n)) in days.iter().enumerate() {
                        @let h = (n * DAY_HEIGHT / max).max(1);
                        rect x=(i as u64 * slot) y=(DAY_HEIGHT - h) width=(bar) height=(h) fill="currentColor" {
                            title { (day) ": " (self.words.numbers().format(*n)) }
                        }
                    }
                    @if let (Some((first, _)), Some((last, _))) = (days.first(), days.last()) {
                        text x="0" y=(height - 4) font-size="12" fill="currentColor" { (first) }
                        @if days.len() > 1 {
                            text x=(WIDTH) y=(height - 4) font-size="12" text-anchor="end" fill="currentColor" { (last) }
                        }
                    }
                }
                figcaption { (caption) }
            }
        }
    }

    /// A row per country, largest first, then "other" if any.
    fn country_chart(&self, numbers: &Numbers) -> Markup {
        let mut rows: Vec<(String, u64)> = numbers.by_country.clone();
        if numbers.other_countries > 0 {
            rows.push((self.t(Text::NumbersOtherCountries).into_owned(), numbers.other_countries));
        }
        let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
        let span = WIDTH - LABEL - 44;
        let caption = self.tf(
            Text::NumbersCountryCaption,
            &[("countries", numbers.by_country.len().into()), ("count", FOLD_BELOW.into())],
        );
        html! {
            figure.chart {
                svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (rows.len() as u64 * ROW) }
                    role="img" aria-labelledby="country-title" {
                    title #country-title { (caption) }
                    @for (i, (country, n)) in rows.iter().enumerate() {
                        @let y = i as u64 * ROW;
                        @let w = (n * span / max).max(1);
                        // Long names are cut to fit: the table has them whole.
                        text x=(LABEL - 6) y=(y + 14) font-size="12" text-anchor="end" fill="currentColor" { (short(country)) }
                        rect x=(LABEL) y=(y + 3) width=(w) height=(ROW - 6) fill="currentColor" {}
                        text x=(LABEL + w + 4) y=(y + 14) font-size="12" fill="currentColor" { (self.words.numbers().format(*n)) }
                    }
                }
                figcaption { (caption) }
            }
        }
    }

    /// The same figures as a table: `rows`, then the "other" row.
    fn figures_table(
        &self,
        caption: Text,
        first: Text,
        rows: impl Iterator<Item = (String, u64)>,
        other: (Text, u64),
    ) -> Markup {
        let fmt = |n: u64| self.words.numbers().format(n);
        html! {
            table.figures {
                caption { (self.t(caption)) }
                thead { tr { th scope="col" { (self.t(first)) } th scope="col" { (self.t(Text::NumbersCount)) } } }
                tbody {
                    @for (label, n) in rows { tr { th scope="row" dir="auto" { (label) } td { (fmt(n)) } } }
                    @if other.1 > 0 { tr { th scope="row" { (self.t(other.0)) } td { (fmt(other.1)) } } }
                }
            }
        }
    }
}

/// A country's name cut to what fits beside its bar.
fn short(name: &str) -> String {
    match name.char_indices().nth(13) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name.to_owned(),
    }
}
