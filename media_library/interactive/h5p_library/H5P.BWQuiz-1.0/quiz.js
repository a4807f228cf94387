/* H5P.BWQuiz: multiple-choice questions with a score, xAPI and resume, for Better Work.
 * params: {intro, questions: [{text, answers: [{text, correct}], feedback}], passPercentage,
 *          l10n: {check, retry, result, correct, wrong}} */
var H5P = H5P || {};
H5P.BWQuiz = (function ($, EventDispatcher) {
  "use strict";

  function BWQuiz(params, contentId, extras) {
    EventDispatcher.call(this);
    this.params = params || {};
    this.contentId = contentId;
    var previous = (extras && extras.previousState) || {};
    this.answers = previous.answers || {};
    this.checked = !!previous.checked;
  }
  BWQuiz.prototype = Object.create(EventDispatcher.prototype);
  BWQuiz.prototype.constructor = BWQuiz;

  BWQuiz.prototype.text = function (key, fallback) {
    return (this.params.l10n && this.params.l10n[key]) || fallback;
  };

  BWQuiz.prototype.getMaxScore = function () {
    return (this.params.questions || []).length;
  };

  BWQuiz.prototype.getScore = function () {
    var self = this;
    return (this.params.questions || []).reduce(function (sum, question, q) {
      var chosen = self.answers[q];
      return sum + (chosen !== undefined && question.answers[chosen] && question.answers[chosen].correct ? 1 : 0);
    }, 0);
  };

  BWQuiz.prototype.getCurrentState = function () {
    return { answers: this.answers, checked: this.checked };
  };

  BWQuiz.prototype.resetTask = function () {
    this.answers = {};
    this.checked = false;
    if (this.$container) { this.attach(this.$container); }
  };

  BWQuiz.prototype.attach = function ($container) {
    var self = this;
    this.$container = $container;
    $container.empty().addClass("bw-quiz");
    if (this.params.intro) { $("<p>").text(this.params.intro).appendTo($container); }
    (this.params.questions || []).forEach(function (question, q) {
      var $fieldset = $("<fieldset>").appendTo($container);
      $("<legend>").text(question.text).appendTo($fieldset);
      question.answers.forEach(function (answer, a) {
        var id = "bw-" + self.contentId + "-" + q + "-" + a;
        var $label = $("<label>").attr("for", id).appendTo($fieldset);
        $("<input type='radio'>").attr({ id: id, name: "bw-" + self.contentId + "-" + q, value: a })
          .prop("checked", self.answers[q] === a)
          .on("change", function () {
            self.answers[q] = a;
            self.trigger("resize");
          })
          .appendTo($label);
        $("<span>").text(answer.text).appendTo($label);
      });
    });
    var $button = $("<button type='button' class='bw-check'>").text(this.text("check", "Check my answers")).appendTo($container);
    var $feedback = $("<p class='bw-feedback' role='status' aria-live='polite'>").appendTo($container);
    $button.on("click", function () { self.check($feedback); });
    if (this.checked) { this.showResult($feedback); }
  };

  BWQuiz.prototype.showResult = function ($feedback) {
    var score = this.getScore();
    var max = this.getMaxScore();
    var template = this.text("result", "You got :score out of :total right.");
    var passed = max > 0 && (score / max) * 100 >= (this.params.passPercentage || 50);
    $feedback.text(template.replace(":score", score).replace(":total", max))
      .toggleClass("bw-correct", passed).toggleClass("bw-wrong", !passed);
    return passed;
  };

  BWQuiz.prototype.check = function ($feedback) {
    this.checked = true;
    var passed = this.showResult($feedback);
    var score = this.getScore();
    var max = this.getMaxScore();
    this.triggerXAPIScored(score, max, "answered", true, passed);
    this.triggerXAPIScored(score, max, "completed", true, passed);
    this.trigger("resize");
  };

  return BWQuiz;
})(H5P.jQuery, H5P.EventDispatcher);
